"""Applies known-limitations.tsv to a results file of other-languages.sh.

Usage: known.py RESULTS KNOWN_TSV. Rewrites RESULTS: a FAIL line that a known limitation matches (the
same generator and check, and a reason the pattern matches whole) becomes a `known` line; a known
limitation that matched no line is added as a FAIL, so the list is kept honest. Prints the lines it
changed or added."""

import re
import sys


def main():
    results_path, known_path = sys.argv[1], sys.argv[2]
    known = []
    with open(known_path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            gen, check, pattern, why = line.rstrip("\n").split("\t")
            known.append({"gen": gen, "check": check, "pattern": re.compile(pattern), "why": why, "seen": False})
    with open(results_path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    out = []
    for line in lines:
        entry = None
        if line.startswith("FAIL "):
            for k in known:
                head = f"FAIL {k['gen']} {k['check']}: "
                if line.startswith(head) and k["pattern"].fullmatch(line[len(head):]):
                    entry = k
                    break
        if entry is None:
            out.append(line)
            continue
        entry["seen"] = True
        changed = f"known{line[4:]} (a limitation of the generator: {entry['why']})"
        print(changed)
        out.append(changed)
    for k in known:
        if not k["seen"]:
            added = f"FAIL {k['gen']} {k['check']}: the known limitation no longer occurs; remove it from known-limitations.tsv"
            print(added)
            out.append(added)
    with open(results_path, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
