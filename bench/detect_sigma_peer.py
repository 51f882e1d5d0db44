#!/usr/bin/env python3
"""The Sigma reference toolchain as a peer for bench/detect.sh.

`sigma convert -t sqlite` (sigma-cli with the pySigma SQLite backend) turns
the rules into queries over a table `logs`; this script loads the JSON Lines
input into that table and runs each query, as the backend expects: one
column per field, nested fields by their dotted path, and objects and arrays
also as their JSON text (so `LIKE '%…%'` on `requestParameters` reads it).

    detect_sigma_peer.py QUERIES.sql INPUT.jsonl COLUMNS_FROM.jsonl

COLUMNS_FROM is a smaller file with the same kinds of events: the columns are
its top-level fields and the nested fields the queries name. Prints one JSON object: events, rules, matches per
query, and the CPU seconds of the load and of the queries.
"""
import json
import re
import sqlite3
import sys
import time


def flat(ev, prefix, out):
    for k, v in ev.items():
        name = prefix + k
        if isinstance(v, dict):
            out[name] = json.dumps(v)
            flat(v, name + ".", out)
        elif isinstance(v, list):
            out[name] = json.dumps(v)
        elif isinstance(v, bool):
            out[name] = "true" if v else "false"
        else:
            out[name] = v


def main():
    sql_file, input_file, columns_file = sys.argv[1:4]
    queries = [l.strip() for l in open(sql_file) if l.strip().startswith("SELECT")]
    # Columns: every top-level field, and the nested ones the queries name
    # (backquoted dotted paths). SQLite names ignore case: one column each.
    wanted = set(re.findall(r"`([^`]+)`", "\n".join(queries)))
    cols = {}
    with open(columns_file) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            row = {}
            flat(json.loads(line), "", row)
            for k in row:
                if "." not in k or k in wanted:
                    cols.setdefault(k.lower(), k)
    for k in wanted:
        cols.setdefault(k.lower(), k)
    names = list(cols.values())
    db = sqlite3.connect(":memory:")
    # `|re` becomes REGEXP, which SQLite leaves to the application.
    db.create_function(
        "REGEXP", 2, lambda p, v: v is not None and re.search(p, str(v)) is not None
    )
    db.execute("CREATE TABLE logs (%s)" % ", ".join('"%s"' % n.replace('"', '""') for n in names))
    insert = "INSERT INTO logs VALUES (%s)" % ", ".join("?" * len(names))
    t0 = time.process_time()
    events = 0
    batch = []
    with open(input_file) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            row = {}
            flat(json.loads(line), "", row)
            low = {k.lower(): v for k, v in row.items()}
            batch.append(tuple(low.get(n.lower()) for n in names))
            events += 1
            if len(batch) >= 10000:
                db.executemany(insert, batch)
                batch.clear()
    if batch:
        db.executemany(insert, batch)
    t1 = time.process_time()
    matches = []
    for q in queries:
        try:
            matches.append(db.execute("SELECT count(*) FROM (%s)" % q).fetchone()[0])
        except sqlite3.Error as e:
            matches.append("error: %s" % e)
    t2 = time.process_time()
    print(json.dumps({
        "events": events,
        "rules": len(queries),
        "matches": matches,
        "load_cpu_s": round(t1 - t0, 2),
        "query_cpu_s": round(t2 - t1, 2),
    }))


if __name__ == "__main__":
    main()
