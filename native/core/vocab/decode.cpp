// decode: token ids back to bytes or to UTF-16. Bytes take two passes: the lengths (checking
// every id), then the copy into a buffer of exactly that size, so that a caller can decode
// straight into memory it hands out (a JS ArrayBuffer) without a second copy.
#include <algorithm>
#include <cstring>

#include "vocab/decode_lengths.h"
#include "encoding.h"
#include "kernels.h"
#include "test_hook.h"
#include "text/utf8.h"

namespace turbotoken {

size_t sum_token_lengths_scalar(const uint32_t* ids, size_t count, const uint16_t* info, uint32_t n, LengthSum* sum) {
  uint64_t bytes = 0;
  uint32_t flags = sum->flags;
  size_t k = 0;
  for (; k < count; k++) {
    const uint32_t id = ids[k];
    const uint32_t entry = id < n ? info[id] : 0;
    if (!(entry & 0xFF)) break;
    bytes += entry & 0xFF;
    flags &= entry;
  }
  sum->bytes += bytes;
  sum->flags = flags;
  return k;
}

Status Encoding::decoded_length(const uint32_t* ids, size_t count, size_t* total, size_t* bad_index,
                                bool* all_ascii) const {
  const Vocab::TokenView t = vocab_.tokens();
  const SumTokenLengthsFn sum_lengths = kernel_sum_token_lengths();
  LengthSum sum;
  bool specials_ascii = true;
  for (size_t k = 0;; k++) {
    k += sum_lengths(ids + k, count - k, t.length_info, t.count, &sum);
    if (k == count) break;
    const uint8_t* data;
    size_t special_len;
    if (!token_bytes(ids[k], &data, &special_len)) {
      *bad_index = k;
      return Status::kInvalidTokenId;
    }
    sum.bytes += special_len;
    if (!is_ascii(data, special_len)) specials_ascii = false;
  }
  // Past size_t (32-bit hosts, WebAssembly) the text could not be held anyway.
  if (sum.bytes > SIZE_MAX) return Status::kOutOfMemory;
  *total = size_t(sum.bytes);
  if (all_ascii) *all_ascii = specials_ascii && (sum.flags & kAsciiToken);
  return Status::kOk;
}

void Encoding::decode_into(const uint32_t* ids, size_t count, uint8_t* dst, size_t total) const {
  test_hook::input_checked();  // decoded_length() checked these ids
  constexpr size_t kMove = Vocab::kTokenSlack;
  const Vocab::TokenView t = vocab_.tokens();
  const uint8_t* const bytes = t.bytes;
  const uint32_t* const offsets = t.offsets;
  const uint8_t* const lengths = t.lengths;
  const uint32_t n_tokens = t.count;
  uint8_t* const end = dst + total;
  // The inner loop writes kMove bytes per token and advances by at most kMove, so while `room /
  // kMove` tokens are left to it, it stays inside dst[0..total) without a check per token,
  // whatever the ids hold: bounds come from the room left, never from decoded_length() having
  // seen these same ids (another thread may change a shared array between the two passes).
  // The inner loop has no call: with the special-token path inside, the tables' pointers were
  // spilled and reloaded for every token (decodeBytes 1.2x faster without, multilingual and mix).
  size_t k = 0;
  while (k < count) {
    const size_t steps = size_t(end - dst) / kMove;
    const size_t stop = k + std::min(steps, count - k);
    for (; k < stop; k++) {
      const uint32_t id = ids[k];
      const size_t len = id < n_tokens ? lengths[id] : 0;
      if (len - 1 >= kMove) break;
      // A fixed-size move: the vocabulary keeps kMove readable bytes after every token's start,
      // and the next tokens overwrite the excess.
      std::memcpy(dst, bytes + offsets[id], kMove);
      dst += len;
    }
    if (k == count) break;
    if (k == stop && steps > 0) continue;  // the room was used up: measure it again
    // A long or special token, or the last bytes: an exact copy, checked.
    const uint8_t* data;
    size_t n;
    if (!token_bytes(ids[k++], &data, &n) || n > size_t(end - dst)) break;
    std::memcpy(dst, data, n);
    dst += n;
  }
  // Only ids that changed since decoded_length() leave bytes unwritten: no stale memory goes out.
  if (dst < end) std::memset(dst, 0, size_t(end - dst));
}

Status Encoding::decode(const uint32_t* ids, size_t count, std::vector<uint8_t>& out,
                        size_t* bad_index) const {
  size_t total;
  Status st = decoded_length(ids, count, &total, bad_index);
  if (st != Status::kOk) return st;
  const size_t start = out.size();
  // Past max_size() a vector reports a length error, which without exceptions ends the process
  // (wasm32, where max_size() is 2 GiB).
  if (total > out.max_size() - start) return Status::kOutOfMemory;
  out.resize(start + total);
  decode_into(ids, count, out.data() + start, total);
  return Status::kOk;
}

// The token bytes go into the upper part of out and are transcoded in place from there. Against
// copying tokens into a 4 KB block in L1 and transcoding each block (which had to hold back a
// character cut at the block's end): 1.10-1.27x (core, o200k_base, same process; the copy loop
// without a block-size check, and one transcoder call over long runs).
size_t Encoding::decode_utf16(const uint32_t* ids, size_t count, size_t total, char16_t* out) const {
  static_assert(2 * kDecodeUtf16Slack >= kUtf8ToUtf16InPlaceGap, "room for the in-place transcoding");
  uint8_t* const bytes = reinterpret_cast<uint8_t*>(out) + total + kUtf8ToUtf16InPlaceGap;
  decode_into(ids, count, bytes, total);
  return utf8_to_utf16(bytes, total, out);
}

}  // namespace turbotoken
