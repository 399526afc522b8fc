#!/usr/bin/env python3
"""containerd-config.py: turn `containerd config default` into the test node's config.

Edits by key within their [table], so containerd's own defaults for everything else stay:
paths under the work dir, sockets, the local sandbox image (nothing is pulled),
restrict_oom_score_adj (containerd runs inside a container here and may not lower
oom_score_adj), our runc binary with the cgroupfs driver, and the loopback CNI.
"""
import argparse
import re
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--default", required=True, help="output of `containerd config default`")
    ap.add_argument("--work", required=True)
    ap.add_argument("--cni-bin", required=True)
    ap.add_argument("--runc", required=True)
    ap.add_argument("--sandbox", required=True)
    a = ap.parse_args()
    w = a.work
    edits = {  # (table, key) -> TOML value
        ("", "root"): f"'{w}/containerd/root'",
        ("", "state"): f"'{w}/containerd/state'",
        ("", "imports"): "[]",
        ("plugins.'io.containerd.cri.v1.images'.pinned_images", "sandbox"): f"'{a.sandbox}'",
        ("plugins.'io.containerd.cri.v1.runtime'", "restrict_oom_score_adj"): "true",
        ("plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options", "BinaryName"): f"'{a.runc}'",
        ("plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options", "SystemdCgroup"): "false",
        ("plugins.'io.containerd.cri.v1.runtime'.cni", "bin_dirs"): f"['{a.cni_bin}']",
        ("plugins.'io.containerd.cri.v1.runtime'.cni", "conf_dir"): f"'{w}/cni'",
        ("plugins.'io.containerd.server.v1.grpc'", "address"): f"'{w}/containerd.sock'",
        ("plugins.'io.containerd.server.v1.ttrpc'", "address"): f"'{w}/containerd.sock.ttrpc'",
    }
    done = set()
    table = ""
    out = []
    for line in open(a.default):
        m = re.match(r"^\s*\[(.+)\]\s*$", line)
        if m:
            table = m.group(1)
        else:
            k = re.match(r"^(\s*)([A-Za-z_]+)\s*=", line)
            if k and (table, k.group(2)) in edits:
                line = f"{k.group(1)}{k.group(2)} = {edits[(table, k.group(2))]}\n"
                done.add((table, k.group(2)))
        out.append(line)
    missing = set(edits) - done
    if missing:
        sys.exit(f"containerd-config: keys not found in the default config: {sorted(missing)}")
    sys.stdout.write("".join(out))


if __name__ == "__main__":
    main()
