// Not part of the CLI (the .cc keeps it out of CLI_SRC): compiled by the test
// Api.CliCannotIncludeInternalHeaders with the CLI's include path, where it must fail.
#include "ir/graph.h"  // in src/ir
