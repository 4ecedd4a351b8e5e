# skkd — SPDX-License-Identifier: ISC
#
# The short form of tests/stress/crash.sh for make test: a few SIGKILLs
# and simulated power cuts under issuing clients, and the MDB_NOSYNC
# control. make stress runs the long form (100 kills).

KILLS=${KILLS:-8} CONTROL_KILLS=${CONTROL_KILLS:-2} \
    exec bash "$(dirname "$0")/../stress/crash.sh"
