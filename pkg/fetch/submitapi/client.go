package submitapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Client calls a fetcher's submit API (newsctl submit uses it).
type Client struct {
	// Base is the API's base URL, e.g. http://fetcher:8080.
	Base string
	// Token is the bearer token.
	Token string
	// HTTP is the client used (default: one with a 5 minute timeout).
	HTTP *http.Client
}

// APIError is an error answer of the API.
type APIError struct {
	StatusCode int
	ErrorResponse
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "fetcher API: HTTP %d: %s", e.StatusCode, e.ErrorResponse.Error)
	for _, d := range e.Details {
		fmt.Fprintf(&b, "\n  urls[%d] %s: %s", d.Index, d.URL, d.Error)
	}
	return b.String()
}

// Submit posts urls; with wait the fetcher fetches them before answering.
func (c *Client) Submit(ctx context.Context, urls []string, wait bool) (*Response, error) {
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 5 * time.Minute}
	}
	body, err := json.Marshal(Request{URLs: urls, Wait: wait})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(c.Base, "/")+Path, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("submit: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("submit to %s: %w", c.Base, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return nil, fmt.Errorf("submit: read answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusAccepted {
		e := &APIError{StatusCode: resp.StatusCode}
		if json.Unmarshal(data, &e.ErrorResponse) != nil || e.ErrorResponse.Error == "" {
			e.ErrorResponse.Error = strings.TrimSpace(string(data))
		}
		return nil, e
	}
	var out Response
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("submit: answer is not JSON: %w", err)
	}
	return &out, nil
}
