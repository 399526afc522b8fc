package securestack

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/segmentio/kafka-go"
	"go.yaml.in/yaml/v3"
)

// strimziUser is the part of a Strimzi KafkaUser that carries its ACLs.
type strimziUser struct {
	Kind     string `yaml:"kind"`
	Metadata struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Spec struct {
		Authorization struct {
			Type string `yaml:"type"`
			ACLs []struct {
				Type     string `yaml:"type"`
				Resource struct {
					Type        string `yaml:"type"`
					Name        string `yaml:"name"`
					PatternType string `yaml:"patternType"`
				} `yaml:"resource"`
				Operations []string `yaml:"operations"`
				Host       string   `yaml:"host"`
			} `yaml:"acls"`
		} `yaml:"authorization"`
	} `yaml:"spec"`
}

// StrimziACLs reads the KafkaUsers of a manifest file and returns, per user
// name, the Kafka ACLs the Strimzi User Operator would create for it
// (principal User:<name>), so a test can grant exactly what is shipped.
func StrimziACLs(file string) (map[string][]kafka.ACLEntry, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string][]kafka.ACLEntry{}
	dec := yaml.NewDecoder(f)
	for {
		var u strimziUser
		err := dec.Decode(&u)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		if u.Kind != "KafkaUser" {
			continue
		}
		if u.Spec.Authorization.Type != "simple" {
			return nil, fmt.Errorf("%s: KafkaUser %s: authorization type %q, want simple", file, u.Metadata.Name, u.Spec.Authorization.Type)
		}
		var acls []kafka.ACLEntry
		for _, a := range u.Spec.Authorization.ACLs {
			e := kafka.ACLEntry{ResourceName: a.Resource.Name, Principal: "User:" + u.Metadata.Name, Host: a.Host}
			if e.Host == "" {
				e.Host = "*"
			}
			switch a.Type {
			case "", "allow":
				e.PermissionType = kafka.ACLPermissionTypeAllow
			case "deny":
				e.PermissionType = kafka.ACLPermissionTypeDeny
			default:
				return nil, fmt.Errorf("KafkaUser %s: ACL type %q", u.Metadata.Name, a.Type)
			}
			switch a.Resource.Type {
			case "topic":
				e.ResourceType = kafka.ResourceTypeTopic
			case "group":
				e.ResourceType = kafka.ResourceTypeGroup
			case "cluster":
				e.ResourceType, e.ResourceName = kafka.ResourceTypeCluster, "kafka-cluster"
			case "transactionalId":
				e.ResourceType = kafka.ResourceTypeTransactionalID
			default:
				return nil, fmt.Errorf("KafkaUser %s: resource type %q", u.Metadata.Name, a.Resource.Type)
			}
			switch a.Resource.PatternType {
			case "", "literal":
				e.ResourcePatternType = kafka.PatternTypeLiteral
			case "prefix":
				e.ResourcePatternType = kafka.PatternTypePrefixed
			default:
				return nil, fmt.Errorf("KafkaUser %s: pattern type %q", u.Metadata.Name, a.Resource.PatternType)
			}
			for _, op := range a.Operations {
				o, ok := operations[strings.ToLower(op)]
				if !ok {
					return nil, fmt.Errorf("KafkaUser %s: operation %q", u.Metadata.Name, op)
				}
				e.Operation = o
				acls = append(acls, e)
			}
		}
		out[u.Metadata.Name] = acls
	}
	return out, nil
}

var operations = map[string]kafka.ACLOperationType{
	"read": kafka.ACLOperationTypeRead, "write": kafka.ACLOperationTypeWrite, "create": kafka.ACLOperationTypeCreate,
	"delete": kafka.ACLOperationTypeDelete, "alter": kafka.ACLOperationTypeAlter, "describe": kafka.ACLOperationTypeDescribe,
	"clusteraction": kafka.ACLOperationTypeClusterAction, "describeconfigs": kafka.ACLOperationTypeDescribeConfigs,
	"alterconfigs": kafka.ACLOperationTypeAlterConfigs, "idempotentwrite": kafka.ACLOperationTypeIdempotentWrite,
	"all": kafka.ACLOperationTypeAll,
}
