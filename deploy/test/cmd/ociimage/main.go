// Command ociimage builds a container image without Docker: a static binary on an empty
// base with the host's CA certificates, an /etc/passwd naming the nonroot user 65532, and
// the same OCI labels as deploy/docker/Dockerfile, written as an OCI archive that
// `ctr images import` (containerd) loads.
//
//	ociimage -binary bin/cleaner -name newsflow.local/cleaner:test -o cleaner.tar
package main

import (
	"archive/tar"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

func main() {
	var (
		binary  = flag.String("binary", "", "static binary to put at /usr/local/bin/<its name>")
		ref     = flag.String("name", "", "image reference, e.g. newsflow.local/cleaner:test")
		out     = flag.String("o", "", "output archive (docker/OCI tarball for ctr images import)")
		cacerts = flag.String("ca-certificates", "/etc/ssl/certs/ca-certificates.crt", "CA bundle copied to /etc/ssl/certs/ca-certificates.crt")
		version = flag.String("version", "test", "org.opencontainers.image.version label")
	)
	flag.Parse()
	if err := run(*binary, *ref, *out, *cacerts, *version); err != nil {
		fmt.Fprintln(os.Stderr, "ociimage:", err)
		os.Exit(1)
	}
}

type file struct {
	name string
	mode int64
	data []byte
}

func run(binary, ref, out, cacerts, version string) error {
	if binary == "" || ref == "" || out == "" {
		return fmt.Errorf("-binary, -name and -o are required")
	}
	tag, err := name.NewTag(ref)
	if err != nil {
		return fmt.Errorf("image name %q: %w", ref, err)
	}
	bin, err := os.ReadFile(binary)
	if err != nil {
		return fmt.Errorf("read binary: %w", err)
	}
	ca, err := os.ReadFile(cacerts)
	if err != nil {
		return fmt.Errorf("read CA certificates: %w", err)
	}
	exe := "/usr/local/bin/" + path.Base(binary)
	files := []file{
		{"etc/passwd", 0o644, []byte("root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n")},
		{"etc/group", 0o644, []byte("root:x:0:\nnonroot:x:65532:\n")},
		{"etc/ssl/certs/ca-certificates.crt", 0o644, ca},
		{exe[1:], 0o555, bin},
	}
	layerBytes, err := tarLayer(files, []string{"etc", "etc/ssl", "etc/ssl/certs", "usr", "usr/local", "usr/local/bin", "tmp", "home", "home/nonroot"})
	if err != nil {
		return err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(layerBytes)), nil })
	if err != nil {
		return fmt.Errorf("layer: %w", err)
	}
	img, err := mutate.AppendLayers(empty.Image, layer)
	if err != nil {
		return fmt.Errorf("append layer: %w", err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return err
	}
	cf = cf.DeepCopy()
	cf.Architecture, cf.OS = "amd64", "linux"
	cf.Created = v1.Time{Time: time.Unix(0, 0).UTC()}
	cf.Config.User = "65532:65532"
	cf.Config.Entrypoint = []string{exe}
	cf.Config.WorkingDir = "/"
	cf.Config.Env = []string{"PATH=/usr/local/bin", "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"}
	cf.Config.Labels = map[string]string{
		"org.opencontainers.image.title":   "newsflow-" + path.Base(binary),
		"org.opencontainers.image.version": version,
		"org.opencontainers.image.source":  "https://github.com/newsflow/newsflow",
	}
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	if err := tarball.WriteToFile(out, tag, img); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	return nil
}

// tarLayer writes dirs then files, owned by root, with a fixed time (reproducible).
func tarLayer(files []file, dirs []string) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	epoch := time.Unix(0, 0)
	for _, d := range dirs {
		mode := int64(0o755)
		if d == "tmp" {
			mode = 0o1777
		}
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: d + "/", Mode: mode, ModTime: epoch}); err != nil {
			return nil, err
		}
	}
	for _, f := range files {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: f.name, Mode: f.mode, Size: int64(len(f.data)), ModTime: epoch}); err != nil {
			return nil, err
		}
		if _, err := tw.Write(f.data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("tar: %w", err)
	}
	return buf.Bytes(), nil
}
