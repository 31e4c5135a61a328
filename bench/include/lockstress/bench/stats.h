// Small statistics for the benchmark rows.
//
// Thread safety: stateless functions.
#ifndef LOCKSTRESS_BENCH_STATS_H_
#define LOCKSTRESS_BENCH_STATS_H_

#include <cstdint>
#include <vector>

namespace lockstress::bench {

// Jain's fairness index (sum x)^2 / (n * sum x^2): 1 when all are equal,
// 1/n when one contender got everything. 0 for no samples or all zero.
double JainIndex(const std::vector<std::uint64_t>& x);

// The p-th percentile (0..100) by nearest rank; 0 for no samples.
// Sorts `samples`.
double Percentile(std::vector<double>& samples, double p);

}  // namespace lockstress::bench

#endif  // LOCKSTRESS_BENCH_STATS_H_
