// A 64-bit hash of a byte string for the core's open-addressing tables (the merge list's part
// cache, the trainer's chunk counts): eight bytes per multiply, the tail zero-padded, and a final
// mix so that both the low bits (the slot) and the high bits (a tag or a shard) spread.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace turbotoken {

// `seed` separates the keys of tables that share one cache (the merge list's serial).
inline uint64_t hash_bytes(const uint8_t* s, size_t n, uint64_t seed = 0) {
  uint64_t h = (0x9E3779B97F4A7C15ull + seed) ^ (uint64_t(n) * 0xFF51AFD7ED558CCDull);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, s + i, 8);
    h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
    h ^= h >> 31;
  }
  uint64_t w = 0;
  std::memcpy(&w, s + i, n - i);
  h = (h ^ w) * 0x94D049BB133111EBull;
  h ^= h >> 29;
  h *= 0xBF58476D1CE4E5B9ull;
  return h ^ (h >> 32);
}

}  // namespace turbotoken
