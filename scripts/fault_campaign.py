#!/usr/bin/python3
"""Fault campaign: kill -9 trustlab-cli at random moments of training (plain and eDP-SGD),
federated runs (one process and --nproc 2), sweeps and audits, all writing one run store, and
check after every kill that

  * the store passes SQLite's integrity check (`trustlab-cli runs check`),
  * every run that had finished is exactly as it was (status, metrics, params, tags),
  * the killed run is marked killed (or failed) and keeps every metric a reader saw before the kill,

and at the end that every killed sweep resumes to completion. Prints one JSON summary; exit 1 on
any violation. Usage: scripts/fault_campaign.py [--kills 100] [--seed 1] [--bin build/bin]
[--workdir DIR]. The kills are seeded, the moments random within each command's running time."""
import argparse, json, os, random, signal, sqlite3, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def cli(args, store, check=True, **kw):
    r = subprocess.run([CLI] + args + ["--store", store], capture_output=True, text=True, **kw)
    if check and r.returncode != 0:
        raise SystemExit(f"trustlab-cli {' '.join(args)} failed ({r.returncode}): {r.stderr[-2000:]}")
    return r


def runs(store):
    return json.loads(cli(["runs", "list", "--json"], store).stdout)["runs"]


def snapshots(store):
    """What must not change once a run has finished, for every run, from one `runs list` (audits
    add their own audit/* metrics to the run they audit)."""
    out = {}
    for r in runs(store):
        metrics = {k: v for k, v in r["latest_metrics"].items() if not k.startswith("audit/")}
        out[r["run_id"]] = (r["status"], r["end_time"], r["spec_sha256"], json.dumps(metrics, sort_keys=True))
    return out


def metric_counts(store):
    """Metric rows per run as a reader sees them (SQLite read-only: it never waits for the writer)."""
    db = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=30)
    try:
        return dict(db.execute("SELECT run_id, count(*) FROM metrics GROUP BY run_id").fetchall())
    finally:
        db.close()


def commands(workdir, audit_run):
    sweep = os.path.join(workdir, "sweep.json")
    with open(sweep, "w") as f:
        json.dump({"name": "fault-sweep",
                   "base": {"model": {"type": "bag", "embedding_dim": 16},
                            "training": {"max_steps": 60, "eval_every": 20, "batch_size": 64, "threads": 1},
                            "privacy": {"mode": "edp", "delta": 1e-5}},
                   "grid": {"target_epsilon": [8, 3, 1], "seed": [1, 2]}}, f)
    return {
        "train": ["train", "--model", "bag", "--max-steps", "300", "--eval-every", "20", "--checkpoint-every", "50"],
        "train-edp": ["train", "--model", "bag", "--dp", "edp", "--target-epsilon", "3", "--max-steps", "300",
                      "--eval-every", "20"],
        "fl": ["fl", "--model", "bag", "--partition", "iid", "--clients", "40", "--clients-per-round", "8",
               "--rounds", "30"],
        "fl-nproc2": ["fl", "--model", "bag", "--partition", "iid", "--clients", "40", "--clients-per-round", "8",
                      "--rounds", "30", "--nproc", "2"],
        "sweep": ["sweep", sweep],
        "audit": ["audit", "membership", "--run", str(audit_run), "--with", "loss"],
    }


def kill_group(p):
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    p.wait()


def main():
    global CLI
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kills", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "bin"))
    ap.add_argument("--workdir")
    a = ap.parse_args()
    CLI = os.path.join(a.bin, "trustlab-cli")
    rng = random.Random(a.seed)
    workdir = a.workdir or tempfile.mkdtemp(prefix="trustlab-faults-")
    store = os.path.join(workdir, "runs.sqlite")

    def guarded_runs(at):
        """Finished runs to guard; the first is the audits' target."""
        first = json.loads(cli(["train", "--model", "bag", "--max-steps", "40", "--json"], at).stdout)["run_id"]
        cli(["fl", "--model", "bag", "--partition", "iid", "--clients", "20", "--clients-per-round", "4",
             "--rounds", "3"], at)
        return first

    # How long each command runs undisturbed (timed on a scratch store), so kills land anywhere in it.
    scratch = os.path.join(workdir, "scratch.sqlite")
    durations = {}
    for name, args in commands(workdir, guarded_runs(scratch)).items():
        t = time.time()
        cli(args, scratch)
        durations[name] = time.time() - t
    cmds = commands(workdir, guarded_runs(store))
    finished = {rid: snap for rid, snap in snapshots(store).items() if snap[0] == "finished"}

    summary = {"kills": 0, "by_command": {}, "outcomes": {}, "integrity_failures": 0, "finished_runs_changed": 0,
               "killed_runs_unmarked": 0, "metrics_lost": 0, "violations": []}
    swept = False
    for i in range(a.kills):
        name = rng.choice(list(cmds))
        before = {r["run_id"] for r in runs(store)}
        p = subprocess.Popen([CLI] + cmds[name] + ["--store", store], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(rng.uniform(0.02, 0.8) * durations[name])
        seen = metric_counts(store)  # what a reader sees just before the kill
        kill_group(p)
        summary["kills"] += 1
        summary["by_command"][name] = summary["by_command"].get(name, 0) + 1
        swept = swept or name == "sweep"

        check = json.loads(cli(["runs", "check", "--json"], store, check=False).stdout)
        if not check["ok"]:
            summary["integrity_failures"] += 1
            summary["violations"].append(f"kill {i} ({name}): integrity {check['integrity']}")
        now, counts = snapshots(store), metric_counts(store)
        for rid, snap in finished.items():
            if now.get(rid) != snap:
                summary["finished_runs_changed"] += 1
                summary["violations"].append(f"kill {i} ({name}): finished run {rid} changed")
        new = [rid for rid in now if rid not in before]
        hit = "before any run" if not new else "+".join(sorted({now[rid][0] for rid in new}))
        summary["outcomes"][hit] = summary["outcomes"].get(hit, 0) + 1
        for rid in new:
            status = now[rid][0]
            if status == "running":
                summary["killed_runs_unmarked"] += 1
                summary["violations"].append(f"kill {i} ({name}): run {rid} still 'running'")
            if counts.get(rid, 0) < seen.get(rid, 0):
                summary["metrics_lost"] += 1
                summary["violations"].append(f"kill {i} ({name}): run {rid} lost metrics")
            if status == "finished":
                finished[rid] = now[rid]

    if swept:  # a killed sweep goes on where it stopped and completes
        r = cli(cmds["sweep"] + ["--json"], store, check=False)
        out = json.loads(r.stdout) if r.returncode == 0 and r.stdout.strip() else {}
        summary["sweep_resumed"] = r.returncode == 0 and not out.get("cancelled", True)
        summary["sweep_resume"] = {"ran": out.get("ran"), "reused": out.get("reused")}
        if r.returncode != 0:
            summary["violations"].append(f"sweep did not resume: {r.stderr[-500:]}")
    final = json.loads(cli(["runs", "check", "--json"], store, check=False).stdout)
    summary["final_integrity_ok"] = final["ok"]
    summary["runs_by_status"] = final["runs"]
    summary["store"] = store
    print(json.dumps(summary, indent=2))
    return 1 if summary["violations"] or not final["ok"] else 0


if __name__ == "__main__":
    sys.exit(main())
