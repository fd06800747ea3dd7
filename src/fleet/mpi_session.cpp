#include "inferlab/lab/mpi_session.h"

#include "ir/error.h"

#if INFERLAB_HAVE_MPI
// The C API only: Open MPI's and MPICH's deprecated C++ bindings need another library.
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>
#endif

namespace inferlab::fleet {

#if INFERLAB_HAVE_MPI

bool mpi_built() {
  return true;
}

namespace {
void check(int rc, const char* what) {
  if (rc == MPI_SUCCESS) return;
  char msg[MPI_MAX_ERROR_STRING];
  int len = 0;
  MPI_Error_string(rc, msg, &len);
  fail("MPI {} failed: {}", what, std::string(msg, static_cast<std::size_t>(len)));
}
}  // namespace

MpiSession::MpiSession() {
  int done = 0;
  MPI_Initialized(&done);
  if (done) fail("MPI is already initialised in this process");
  check(MPI_Init(nullptr, nullptr), "MPI_Init");
  // Errors come back as codes (turned into Error) instead of aborting every rank silently.
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

MpiSession::~MpiSession() {
  MPI_Finalize();
}

void MpiSession::barrier() const {
  check(MPI_Barrier(MPI_COMM_WORLD), "barrier");
}

std::vector<std::string> MpiSession::allgather(const std::string& mine) const {
  int len = static_cast<int>(mine.size());
  std::vector<int> lens(static_cast<std::size_t>(size_));
  check(MPI_Allgather(&len, 1, MPI_INT, lens.data(), 1, MPI_INT, MPI_COMM_WORLD), "allgather");
  std::vector<int> offsets(lens.size());
  int total = 0;
  for (std::size_t i = 0; i < lens.size(); ++i) {
    offsets[i] = total;
    total += lens[i];
  }
  std::string all(static_cast<std::size_t>(total), '\0');
  check(MPI_Allgatherv(mine.data(), len, MPI_CHAR, all.data(), lens.data(), offsets.data(),
                       MPI_CHAR, MPI_COMM_WORLD),
        "allgatherv");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < lens.size(); ++i)
    out.push_back(
        all.substr(static_cast<std::size_t>(offsets[i]), static_cast<std::size_t>(lens[i])));
  return out;
}

#else  // built without MPI: the session cannot exist; say how to get one.

bool mpi_built() {
  return false;
}

MpiSession::MpiSession() {
  fail(
      "--distributed needs inferlab built with MPI: install Open MPI (libopenmpi-dev, "
      "openmpi-bin; scripts/setup.sh does) and rebuild");
}

MpiSession::~MpiSession() = default;
void MpiSession::barrier() const {}
std::vector<std::string> MpiSession::allgather(const std::string& mine) const {
  return {mine};
}

#endif

}  // namespace inferlab::fleet
