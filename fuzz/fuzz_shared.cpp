// libFuzzer target: input memory that another thread changes during the call (issue 21: a
// SharedArrayBuffer rewritten by a worker). The binding and the WebAssembly runtime copy shared
// input once before the core sees it; what the core itself promises, whatever the memory holds
// while it reads, is checked here with a second thread rewriting the buffer between the fuzz
// input's two versions of it:
//   - ids: decoded_length() then decode_into() (and decode_utf16(), decode()) on ids that flip
//     between tokens and any values (far ids, specials, 2^32 - 1): decode_into() must stay inside
//     the `total` bytes decoded_length() measured (the buffer is exactly that long, so ASan sees
//     one byte too many), and decode_utf16() must write at most `total` units;
//   - a .tkv vocabulary blob whose lengths and bytes flip: Vocab::load copies the lengths before
//     it checks them, so Encoding::create either refuses the blob or builds an encoding that
//     encodes and decodes in bounds.
// Input: byte 0 picks the shipped encoding (bits 0-2) and whether the vocabulary case runs (bit 3);
// then pairs of 32-bit words: a token id (taken modulo the vocabulary) and any value.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include "manifest.h"

namespace {

std::vector<turbotoken_fuzz::LoadedEncoding>* g_encodings;

[[noreturn]] void fail(const char* what, size_t detail = 0) {
  std::fprintf(stderr, "fuzz_shared: %s (%zu)\n", what, detail);
  __builtin_trap();
}

// Rewrites `words` with `a` and `b` in turn, one element at a time, until stopped. The stores are
// relaxed atomics: the race is the point, the reader reads plain memory as it would a
// SharedArrayBuffer's.
template <typename T>
class Flipper {
 public:
  Flipper(T* words, const std::vector<T>& a, const std::vector<T>& b) : words_(words), a_(a), b_(b) {
    thread_ = std::thread([this] {
      for (unsigned round = 0; !stop_.load(std::memory_order_relaxed); round++) {
        const std::vector<T>& src = round & 1 ? b_ : a_;
        for (size_t k = 0; k < src.size(); k++) __atomic_store_n(&words_[k], src[k], __ATOMIC_RELAXED);
        rounds_.store(round + 1, std::memory_order_release);
      }
    });
    // The calls start once the thread runs: short inputs would otherwise finish before it does.
    while (rounds_.load(std::memory_order_acquire) < 2) std::this_thread::yield();
  }
  ~Flipper() {
    stop_.store(true);
    thread_.join();
  }

 private:
  T* words_;
  const std::vector<T>& a_;
  const std::vector<T>& b_;
  std::atomic<bool> stop_{false};
  std::atomic<unsigned> rounds_{0};
  std::thread thread_;
};

void decode_while_flipping(const turbotoken::Encoding& enc, const std::vector<uint32_t>& tokens,
                           const std::vector<uint32_t>& hostile) {
  std::vector<uint32_t> shared(tokens);
  Flipper<uint32_t> flipper(shared.data(), tokens, hostile);
  for (int round = 0; round < 16; round++) {
    size_t total = 0, bad = 0;
    if (enc.decoded_length(shared.data(), shared.size(), &total, &bad) != turbotoken::Status::kOk) continue;
    if (total > (size_t(1) << 24)) fail("decoded_length gave more than 255 bytes per id", total);
    // Exactly `total` bytes on the heap: one byte past them is an ASan report.
    std::unique_ptr<uint8_t[]> dst(new uint8_t[total ? total : 1]);
    enc.decode_into(shared.data(), shared.size(), dst.get(), total);
    std::unique_ptr<char16_t[]> units(new char16_t[total + turbotoken::Encoding::kDecodeUtf16Slack]);
    const size_t written = enc.decode_utf16(shared.data(), shared.size(), total, units.get());
    if (written > total) fail("decode_utf16 wrote more units than bytes measured", written);
    std::vector<uint8_t> out;
    enc.decode(shared.data(), shared.size(), out, &bad);
  }
}

void load_while_flipping(const std::vector<uint8_t>& blob, const std::vector<uint8_t>& hostile) {
  std::vector<uint8_t> shared(blob);
  Flipper<uint8_t> flipper(shared.data(), blob, hostile);
  for (int round = 0; round < 4; round++) {
    turbotoken::EncodingSpec spec;
    spec.vocab_blob = shared.data();
    spec.vocab_size = shared.size();
    std::shared_ptr<const turbotoken::Encoding> enc;
    if (turbotoken::Encoding::create(spec, &enc) != turbotoken::Status::kOk) continue;
    static const uint8_t kText[] = "hello hello world 123 \xc3\xa9\xe4\xb8\xad \xff";
    std::vector<uint32_t> ids;
    turbotoken::SpecialMatch unused;
    if (enc->encode(kText, sizeof kText - 1, true, {}, ids, &unused) != turbotoken::Status::kOk) continue;
    std::vector<uint8_t> out;
    size_t bad = 0;
    if (enc->decode(ids.data(), ids.size(), out, &bad) != turbotoken::Status::kOk) fail("decode refused encode's ids");
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  g_encodings = turbotoken_fuzz::load_all_encodings_or_exit("fuzz_shared");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 9) return 0;
  const auto& enc = *(*g_encodings)[(data[0] & 7) % g_encodings->size()].encoding;
  const uint32_t slots = enc.vocab().slot_count();
  std::vector<uint32_t> tokens, hostile;
  for (size_t at = 1; at + 8 <= size; at += 8) {
    uint32_t a, b;
    std::memcpy(&a, data + at, 4);
    std::memcpy(&b, data + at + 4, 4);
    a %= slots;
    if (!enc.vocab().has_rank(a)) a = enc.vocab().byte_rank(uint8_t(a));
    tokens.push_back(a);
    hostile.push_back(b);
  }
  decode_while_flipping(enc, tokens, hostile);

  if (data[0] & 8) {
    // A vocabulary of the 256 bytes and a few longer tokens cut from the input, against the
    // same blob with the input's bytes written over its lengths and tokens.
    std::vector<uint8_t> lengths(256, 1), bytes;
    for (int b = 0; b < 256; b++) bytes.push_back(uint8_t(b));
    for (size_t at = 1; at + 4 <= size && lengths.size() < 300; at += 4) {
      lengths.push_back(uint8_t(2 + data[at] % 3));
      for (int k = 0; k < lengths.back(); k++) bytes.push_back(data[(at + k) % size]);
    }
    std::vector<uint8_t> blob = {'T', 'T', 'V', '1'};
    const uint32_t count = uint32_t(lengths.size());
    blob.insert(blob.end(), reinterpret_cast<const uint8_t*>(&count), reinterpret_cast<const uint8_t*>(&count) + 4);
    blob.insert(blob.end(), lengths.begin(), lengths.end());
    blob.insert(blob.end(), bytes.begin(), bytes.end());
    std::vector<uint8_t> hostile_blob(blob);
    for (size_t k = 8; k < hostile_blob.size(); k++) hostile_blob[k] = data[k % size];
    load_while_flipping(blob, hostile_blob);
  }
  return 0;
}
