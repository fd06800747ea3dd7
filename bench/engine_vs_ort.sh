#!/usr/bin/env bash
# Former name of bench/engine_vs_peers.sh (it now compares against OpenVINO too); kept so that
# older notes and commands still work.
exec "$(dirname "$0")/engine_vs_peers.sh" "$@"
