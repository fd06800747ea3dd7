#pragma once
// A thin MPI session for `bench --distributed` (Open MPI when inferlab is built with it; see
// INFERLAB_WITH_MPI). Only what the distributed benchmark needs: rank, size, barrier, and an
// all-gather of one string per rank (JSON), so every rank sees every rank's figures.
#include <string>
#include <vector>

namespace inferlab::fleet {

// Whether this build has MPI.
bool mpi_built();

class MpiSession {
 public:
  // MPI_Init. Throws Error when the build has no MPI, naming how to get it.
  MpiSession();
  ~MpiSession();  // MPI_Finalize
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  void barrier() const;
  // Every rank's `mine`, in rank order (collective: every rank must call it).
  std::vector<std::string> allgather(const std::string& mine) const;

 private:
  int rank_ = 0, size_ = 1;
};

}  // namespace inferlab::fleet
