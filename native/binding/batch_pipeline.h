// encodeBatch / countBatch on several native threads, started before the texts are read: the JS
// thread reads texts into blocks (it alone may touch JS strings) while the other threads already
// encode the blocks it has published, then it encodes too. Reading the strings first and encoding
// after left the other threads idle for that first quarter of the call.
#pragma once
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "../core/text/text_measures.h"
#include "async_jobs.h"
#include "id_histogram.h"

namespace turbotoken_binding {

struct BatchResult {
  // The ids of all texts in order (unless count_only): total_tokens of them at the start of `ids`,
  // which the caller hands to JS as it is. When `ids` has no memory (none could be had, or a
  // bound was wrong), they are in token_blocks, the blocks they were encoded in, for the caller
  // to copy once.
  LargeBuffer ids;
  std::vector<std::vector<uint32_t>> token_blocks;
  size_t total_tokens = 0;
  std::vector<uint32_t> counts;    // tokens per text
  turbotoken::Status status = turbotoken::Status::kOk;
  size_t failed_text = 0;          // the lowest-numbered text that failed
  turbotoken::SpecialMatch offending{};
  turbotoken::TextMeasures measures;  // of all texts, when the pipeline was asked to measure
};

class BatchPipeline {
 public:
  // `texts` texts will be added; `threads` threads in all, this one included.
  // measure: also count each text's bytes, characters and words (analyze(), text_measures.h)
  // where its UTF-8 already is, on the thread that encodes it.
  // histogram (analyze(), with count_only): the ids are encoded and counted there, not kept.
  BatchPipeline(std::shared_ptr<const turbotoken::Encoding> core, OwnedPolicy policy, bool count_only,
                unsigned threads, size_t texts, bool measure = false, IdHistogram* histogram = nullptr);
  // Stops and joins the other threads (also when the JS side failed before finish()).
  ~BatchPipeline();
  BatchPipeline(const BatchPipeline&) = delete;
  BatchPipeline& operator=(const BatchPipeline&) = delete;

  // Copies the next text (index = the number added before it).
  void add(const uint8_t* data, size_t size, bool may_be_invalid);
  // Room for the next text, up to `bytes`, to be written in place and then committed with its size
  // (a string's UTF-8 goes straight into its block, not through a second buffer).
  uint8_t* reserve(size_t bytes);
  void commit(size_t size, bool may_be_invalid);
  // Encodes what is left here, waits for the other threads and gathers the results in text order.
  BatchResult finish();

 private:
  struct Block {
    size_t first_text = 0;
    ByteBuffer bytes;                // not zero-filled: reserve() sizes it before a text is written
    std::vector<size_t> starts{0};  // text first_text + k is bytes[starts[k] .. starts[k + 1])
    std::vector<uint8_t> may_be_invalid;
    std::vector<uint32_t> tokens;
    bool done = false;               // encoded (under mutex_)
    size_t placed_at = 0, placed_size = 0;  // where place() put its ids in ids_
    turbotoken::Status status = turbotoken::Status::kOk;
    size_t failed_text = 0;
    turbotoken::SpecialMatch offending{};
    turbotoken::TextMeasures measures;
  };

  void publish();             // hands the block being filled to the queue
  Block* take();              // the next published block, or null once closed and drained
  void close();
  void work();                // a thread's loop: take and encode blocks
  void run(Block& block, IdHistogram::Shard* shard);
  // Gives every encoded block at the front of the queue its place in ids_ and copies it there,
  // on the thread that calls it, outside the lock: the result is filled (and its pages faulted)
  // by all threads while they encode, not by one thread at the end.
  void place(Block* encoded);

  std::shared_ptr<const turbotoken::Encoding> core_;
  OwnedPolicy policy_;
  bool count_only_;
  bool measure_;
  IdHistogram* histogram_;
  std::vector<uint32_t> counts_;  // tokens per text; each block writes its own entries
  std::vector<std::unique_ptr<Block>> blocks_;  // published, in text order
  std::unique_ptr<Block> filling_;
  size_t added_ = 0;
  size_t next_ = 0;           // blocks_[next_] is the next to take
  // Tokens of all texts at most: a token has at least one byte, and an ill-formed byte of a
  // Uint8Array becomes U+FFFD, 3 bytes.
  size_t token_bound_ = 0;
  LargeBuffer ids_;           // set once every text is read: room for token_bound_ ids
  size_t placed_ = 0;         // blocks_[0 .. placed_) have their ids in ids_
  size_t placed_tokens_ = 0;
  bool unplaced_ = false;     // a block failed, or the bound did not hold: ids stay in blocks
  bool closed_ = false;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::vector<std::thread> workers_;
};

}  // namespace turbotoken_binding
