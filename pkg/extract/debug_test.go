package extract

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"testing"
)

var debugFile = flag.String("debugfile", "", "")
var debugURL = flag.String("debugurl", "", "")

func TestDebugFile(t *testing.T) {
	if *debugFile == "" {
		t.Skip()
	}
	b, _ := os.ReadFile(*debugFile)
	a, err := New().Extract(context.Background(), Page{Body: b, URL: *debugURL})
	out, _ := json.MarshalIndent(a, "", "  ")
	t.Logf("err=%v\n%s", err, out)
}
