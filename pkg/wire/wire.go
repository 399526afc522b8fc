// Package wire turns newsflow's protobuf messages into Kafka record values
// and headers and back, checking the content type a record declares.
package wire

import (
	"fmt"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/newsflow/newsflow/pkg/stage"
)

// SchemaVersion is the major version of the newsflow.v1 schema.
const SchemaVersion = "1"

// ContentType returns the content-type header of a message:
// application/x-protobuf with the full message name.
func ContentType(m proto.Message) string {
	return "application/x-protobuf; messageType=" + string(m.ProtoReflect().Descriptor().FullName())
}

// Encode marshals m and returns its value and the content-type and
// schema-version headers.
func Encode(m proto.Message) ([]byte, []stage.Header, error) {
	b, err := proto.Marshal(m)
	if err != nil {
		return nil, nil, fmt.Errorf("marshal %s: %w", m.ProtoReflect().Descriptor().FullName(), err)
	}
	return b, []stage.Header{
		{Key: stage.HeaderContentType, Value: []byte(ContentType(m))},
		{Key: stage.HeaderSchemaVersion, Value: []byte(SchemaVersion)},
	}, nil
}

// Decode unmarshals a record into m. A record whose content-type names
// another message, or whose bytes do not parse, is rejected as "malformed":
// it can never succeed and belongs in the dead-letter topic.
func Decode(in stage.Input, m proto.Message) error {
	want := string(m.ProtoReflect().Descriptor().FullName())
	if ct := string(in.Header(stage.HeaderContentType)); ct != "" {
		if !strings.HasPrefix(ct, "application/x-protobuf") || (strings.Contains(ct, "messageType=") && !strings.HasSuffix(ct, "messageType="+want)) {
			return stage.Rejectf("malformed", "content-type %q is not %s", ct, want)
		}
	}
	if v := string(in.Header(stage.HeaderSchemaVersion)); v != "" && v != SchemaVersion {
		return stage.Rejectf("malformed", "schema-version %q, this build reads %s", v, SchemaVersion)
	}
	if err := proto.Unmarshal(in.Value, m); err != nil {
		return stage.Rejectf("malformed", "decode %s: %v", want, err)
	}
	return nil
}
