package kafkatask

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Failure reasons, as upstream words them.
const (
	MissingRequest = "Missing Kafka request. Task input MUST have a 'kafka_request' key with KafkaTask.Input as value. " +
		"See documentation for KafkaTask for required input parameters"
	NoBootstrapServers = "No boot strap servers specified"
	MissingTopic       = "Missing Kafka topic. See documentation for KafkaTask for required input parameters"
	MissingBody        = "Missing Kafka body.  See documentation for KafkaTask for required input parameters"
	FailedToInvoke     = "Failed to invoke kafka task due to: "
)

// Key serializers upstream accepts; any other fails the publish.
const (
	StringSerializer  = "org.apache.kafka.common.serialization.StringSerializer"
	IntegerSerializer = "org.apache.kafka.common.serialization.IntegerSerializer"
	LongSerializer    = "org.apache.kafka.common.serialization.LongSerializer"
)

// Default timeouts, upstream's producer defaults.
const (
	DefaultRequestTimeout = 100 * time.Millisecond
	DefaultMaxBlock       = 500 * time.Millisecond
)

// Request is one record to publish.
type Request struct {
	Servers []string
	Topic   string
	Key     []byte // nil: no key
	Value   []byte
	Headers []Header
	// RequestTimeout and MaxBlock bound the publish together.
	RequestTimeout, MaxBlock time.Duration
}

// Header is one record header.
type Header struct {
	Key   string
	Value []byte
}

// Parse reads a KAFKA_PUBLISH task's input. Its error's text is the task's
// reasonForIncompletion: upstream's for a missing part, FailedToInvoke and
// the cause for a key its serializer cannot take.
func Parse(input map[string]any) (*Request, error) {
	in, ok := input["kafka_request"].(map[string]any)
	if !ok {
		return nil, errors.New(MissingRequest)
	}
	r := &Request{Topic: strings.TrimSpace(text(in["topic"])),
		RequestTimeout: millis(in["requestTimeoutMs"], DefaultRequestTimeout),
		MaxBlock:       millis(in["maxBlockMs"], DefaultMaxBlock)}
	for _, s := range strings.Split(text(in["bootStrapServers"]), ",") {
		if s = strings.TrimSpace(s); s != "" {
			r.Servers = append(r.Servers, s)
		}
	}
	switch {
	case len(r.Servers) == 0:
		return nil, errors.New(NoBootstrapServers)
	case r.Topic == "":
		return nil, errors.New(MissingTopic)
	case in["value"] == nil:
		return nil, errors.New(MissingBody)
	}
	var err error
	if r.Value, err = json.Marshal(in["value"]); err != nil {
		return nil, errors.New(FailedToInvoke + err.Error())
	}
	if in["key"] != nil {
		ser := text(in["keySerializer"])
		if ser == "" {
			ser = StringSerializer
		}
		if r.Key, err = serializeKey(text(in["key"]), ser); err != nil {
			return nil, errors.New(FailedToInvoke + err.Error())
		}
	}
	if hs, ok := in["headers"].(map[string]any); ok {
		for k, v := range hs {
			r.Headers = append(r.Headers, Header{Key: k, Value: []byte(text(v))})
		}
	}
	return r, nil
}

// serializeKey encodes key as the Kafka serializer ser does.
func serializeKey(key, ser string) ([]byte, error) {
	switch ser {
	case StringSerializer:
		return []byte(key), nil
	case IntegerSerializer:
		n, err := strconv.ParseInt(key, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("For input string: %q", key)
		}
		return binary.BigEndian.AppendUint32(nil, uint32(n)), nil
	case LongSerializer:
		n, err := strconv.ParseInt(key, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("For input string: %q", key)
		}
		return binary.BigEndian.AppendUint64(nil, uint64(n)), nil
	}
	return nil, errors.New("Invalid value " + ser + " for configuration key.serializer: Class " + ser + " could not be found.")
}

// text is a JSON value as Java's String.valueOf shows it: a whole number
// without a fraction, a string as is, other values as JSON.
func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return strconv.FormatInt(int64(x), 10)
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// millis reads a duration in milliseconds (a number or a numeric string,
// as SDKs send it), or def.
func millis(v any, def time.Duration) time.Duration {
	n, err := strconv.ParseFloat(text(v), 64)
	if err != nil || n <= 0 {
		return def
	}
	return time.Duration(n * float64(time.Millisecond))
}
