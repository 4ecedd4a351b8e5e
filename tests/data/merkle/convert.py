#!/usr/bin/env python3
# skkd — SPDX-License-Identifier: ISC
# Turns the JSON vectors next to this script into vectors.txt, one line a
# vector, for tests/unit/test_merkle.c (which has no JSON reader):
#   inclusion   FILE WANTERR LEAFIDX TREESIZE ROOT LEAFHASH PROOF
#   consistency FILE WANTERR SIZE1 SIZE2 ROOT1 ROOT2 PROOF
# Hashes stay base64 as in the JSON; "-" stands for an empty string,
# PROOF joins its hashes with ',' ("." when it has none).
# Run: python3 convert.py
import json, os, sys

here = os.path.dirname(os.path.abspath(__file__))

def b(s):
    return s if s else "-"

def line(kind, rel, v):
    proof = ",".join(b(h) for h in v.get("proof") or []) or "."
    want = "1" if v["wantErr"] else "0"
    if kind == "inclusion":
        f = [v["leafIdx"], v["treeSize"], b(v["root"]), b(v["leafHash"])]
    else:
        f = [v["size1"], v["size2"], b(v["root1"]), b(v["root2"])]
    return " ".join([kind, rel, want] + [str(x) for x in f] + [proof])

out = []
for kind in ("inclusion", "consistency"):
    for dirpath, _, files in sorted(os.walk(os.path.join(here, kind))):
        for name in sorted(files):
            rel = os.path.relpath(os.path.join(dirpath, name), here)
            with open(os.path.join(dirpath, name)) as f:
                out.append(line(kind, rel, json.load(f)))
with open(os.path.join(here, "vectors.txt"), "w") as f:
    f.write("\n".join(out) + "\n")
print(len(out), "vectors", file=sys.stderr)
