#include "lockstress/bench/stats.h"

#include <algorithm>
#include <cmath>

namespace lockstress::bench {

double JainIndex(const std::vector<std::uint64_t>& x) {
  double sum = 0, squares = 0;
  for (std::uint64_t v : x) {
    sum += static_cast<double>(v);
    squares += static_cast<double>(v) * static_cast<double>(v);
  }
  if (x.empty() || squares == 0) return 0;
  return sum * sum / (static_cast<double>(x.size()) * squares);
}

double Percentile(std::vector<double>& samples, double p) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  double rank = std::ceil(p / 100.0 * static_cast<double>(samples.size()));
  size_t i = rank < 1 ? 0 : static_cast<size_t>(rank) - 1;
  return samples[std::min(i, samples.size() - 1)];
}

}  // namespace lockstress::bench
