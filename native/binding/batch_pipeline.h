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

#include "async_jobs.h"

namespace turbotoken_binding {

struct BatchResult {
  // The ids of the texts in order, in the blocks they were encoded in (empty when count_only):
  // the caller copies them once, into the JS array.
  std::vector<std::vector<uint32_t>> token_blocks;
  size_t total_tokens = 0;
  std::vector<uint32_t> counts;    // tokens per text
  turbotoken::Status status = turbotoken::Status::kOk;
  size_t failed_text = 0;          // the lowest-numbered text that failed
  turbotoken::SpecialMatch offending{};
};

class BatchPipeline {
 public:
  // `texts` texts will be added; `threads` threads in all, this one included.
  BatchPipeline(std::shared_ptr<const turbotoken::Encoding> core, OwnedPolicy policy, bool count_only,
                unsigned threads, size_t texts);
  // Stops and joins the other threads (also when the JS side failed before finish()).
  ~BatchPipeline();
  BatchPipeline(const BatchPipeline&) = delete;
  BatchPipeline& operator=(const BatchPipeline&) = delete;

  // Copies the next text (index = the number added before it).
  void add(const uint8_t* data, size_t size, bool may_be_invalid);
  // Encodes what is left here, waits for the other threads and gathers the results in text order.
  BatchResult finish();

 private:
  struct Block {
    size_t first_text = 0;
    std::vector<uint8_t> bytes;
    std::vector<size_t> starts{0};  // text first_text + k is bytes[starts[k] .. starts[k + 1])
    std::vector<uint8_t> may_be_invalid;
    std::vector<uint32_t> tokens;
    turbotoken::Status status = turbotoken::Status::kOk;
    size_t failed_text = 0;
    turbotoken::SpecialMatch offending{};
  };

  void publish();             // hands the block being filled to the queue
  Block* take();              // the next published block, or null once closed and drained
  void close();
  void work();                // a thread's loop: take and encode blocks
  void run(Block& block);

  std::shared_ptr<const turbotoken::Encoding> core_;
  OwnedPolicy policy_;
  bool count_only_;
  std::vector<uint32_t> counts_;  // tokens per text; each block writes its own entries
  std::vector<std::unique_ptr<Block>> blocks_;  // published, in text order
  std::unique_ptr<Block> filling_;
  size_t added_ = 0;
  size_t next_ = 0;           // blocks_[next_] is the next to take
  bool closed_ = false;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::vector<std::thread> workers_;
};

}  // namespace turbotoken_binding
