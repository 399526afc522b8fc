"""Dump the name lists of three Python packages to JSON for gendata.

The packages ship their data as Python literals, which are read most
reliably by Python itself; gendata (Go) then filters and writes the TSV
files. Usage, after unpacking the wheels into SRC (see main.go):

    python3 enrich/internal/gendata/pydump.py SRC > SRC/pydata.json

Sources (all MIT licensed):
  - faker: first names and surnames per locale (person providers)
  - pytickersymbols: constituents of 20 stock indices (company names)
  - football-team-names-zh: European football clubs and leagues
"""
import importlib
import json
import os
import sys

src = sys.argv[1]
out = {"first": {}, "last": {}, "companies": [], "clubs": [], "leagues": []}

sys.path.insert(0, os.path.join(src, "faker"))
pdir = os.path.join(src, "faker", "faker", "providers", "person")
for loc in sorted(os.listdir(pdir)):
    if not os.path.isdir(os.path.join(pdir, loc)) or loc.startswith("_"):
        continue
    prov = importlib.import_module("faker.providers.person." + loc).Provider
    first, last = set(), set()
    for attr in dir(prov):
        val = getattr(prov, attr)
        if callable(val) or not isinstance(val, (tuple, list, dict)):
            continue
        names = [v for v in val if isinstance(v, str)]
        if attr.startswith(("first_names", "first_romanized_names")):
            first.update(names)
        elif attr.startswith(("last_names", "last_romanized_names")):
            last.update(names)
    out["first"][loc] = sorted(first)
    out["last"][loc] = sorted(last)

sys.path.insert(0, os.path.join(src, "pytickersymbols"))
from pytickersymbols.indices_data import INDICES  # noqa: E402

seen = set()
for index in sorted(INDICES):
    for c in INDICES[index]["companies"]:
        if c["name"] not in seen:
            seen.add(c["name"])
            out["companies"].append({"name": c["name"], "country": c.get("country", ""), "index": index})

sys.path.insert(0, os.path.join(src, "football_team_names_zh"))
from football_team_names_zh import data as fb  # noqa: E402

for t in fb.TEAMS_DATA:
    out["clubs"].append({"name": t["name"], "aliases": [a for a in t.get("aliases", []) if a.isascii() or any(ch.isalpha() and ord(ch) < 0x2000 for ch in a)]})
for l in fb.LEAGUES_DATA:
    out["leagues"].append({"name": l["name"], "aliases": [a for a in l.get("aliases", []) if all(ord(ch) < 0x2000 for ch in a)]})

json.dump(out, sys.stdout, ensure_ascii=False, indent=0, sort_keys=True)
