#!/usr/bin/env bash
# Reproduces every figure of docs/performance.md (6–7 minutes on the 2-core reference machine):
#   1. builds the bench project in Release;
#   2. generates bench/data/persons.bin with the shared peer-population generator if it is missing;
#   3. runs the peer protocol (peer-workload.md §7) at 1 and 2 threads, the batch path and the hand-written loop
#      alternating for 30 s, and the sweep memory experiment;
#   4. runs the BenchmarkDotNet suite: PeerWorkload, RealCatalogSingleProfile, RulesEnginePeer, RealCatalogSweep and
#      the EvaluateBreakdown experiment (one benchmark process at a time).
# Results: BenchmarkDotNet.Artifacts/results/ (BenchmarkDotNet's *-report-github.md tables, plus talentone-*.txt with
# compile times, agreement checks, per-call percentiles and peak working set). Extra arguments go to BenchmarkDotNet,
# e.g. bench/run.sh --filter '*Sweep*' to run one class only.
# The machine has 2 cores: do not run anything else meanwhile. Each benchmark process waits (up to 2 minutes) for
# other processes to go quiet before measuring and logs the background load it saw (talentone-load.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PEER_GENERATOR=${PEER_GENERATOR:-$ROOT/../shared/bench/peer-population}
RESULTS=$ROOT/BenchmarkDotNet.Artifacts/results
BIN=$ROOT/bench/TalentOne.Bench/bin/Release/net10.0/TalentOne.Bench.dll

dotnet build -c Release bench/TalentOne.Bench -v quiet -nologo

if [ ! -f bench/data/persons.bin ]; then
  mkdir -p bench/data
  dotnet run -c Release --project "$PEER_GENERATOR" -- 1000000 bench/data/persons.bin
fi

mkdir -p "$RESULTS"
rm -f "$RESULTS"/talentone-*.txt

{
  echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GB RAM, $(uname -sr)"
  echo ".NET: SDK $(dotnet --version), runtime $(dotnet --list-runtimes | awk '/NETCore.App/ {v=$2} END {print v}')"
  echo "git: $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (with uncommitted changes)')"
} | tee "$RESULTS/talentone-machine.txt"

for threads in 1 2; do
  dotnet "$BIN" peer bench/data/persons.bin 1000000 "$threads" | tee -a "$RESULTS/talentone-peer-protocol.txt"
done

# the batch path and the hand-written loop alternating in one process (their ratio under identical conditions)
dotnet "$BIN" peer-alternate 30

# memory experiment: the 1M sweep when SweepPlan.Run has to materialise unknown columns itself vs one shared column
for shared in false true; do
  dotnet "$BIN" sweep-memory "$shared"
done

if [ $# -eq 0 ]; then
  set -- --filter '*PeerWorkload*' '*RealCatalogSingleProfile*' '*RulesEnginePeer*' '*RealCatalogSweep*' '*EvaluateBreakdown*'
fi
dotnet "$BIN" "$@"

echo
echo "==== TalentOne figures outside BenchmarkDotNet's tables ($RESULTS/talentone-*.txt) ===="
for f in "$RESULTS"/talentone-*.txt; do echo "--- $(basename "$f")"; cat "$f"; done
