#include "batch_pipeline.h"

#include <system_error>

#include "out_of_memory.h"

namespace turbotoken_binding {

using turbotoken::Status;

namespace {
// Small enough that the first block reaches the other threads early and the last ones balance
// the threads' finish; large enough that taking a block (a lock) is noise.
constexpr size_t kBlockBytes = size_t(64) << 10;
}  // namespace

BatchPipeline::BatchPipeline(std::shared_ptr<const turbotoken::Encoding> core, OwnedPolicy policy, bool count_only,
                             unsigned threads, size_t texts)
    : core_(std::move(core)), policy_(std::move(policy)), count_only_(count_only), filling_(new Block) {
  counts_.assign(texts, 0);
  for (unsigned t = 1; t < threads; t++) {
    try {
      workers_.emplace_back([this] { work(); });
    } catch (const std::system_error&) {
      break;  // fewer threads: this one encodes what they would have
    }
  }
}

BatchPipeline::~BatchPipeline() {
  close();
  for (auto& w : workers_) w.join();
}

void BatchPipeline::add(const uint8_t* data, size_t size, bool may_be_invalid) {
  Block& b = *filling_;
  b.bytes.insert(b.bytes.end(), data, data + size);
  b.starts.push_back(b.bytes.size());
  b.may_be_invalid.push_back(may_be_invalid);
  added_++;
  if (b.bytes.size() >= kBlockBytes) publish();
}

void BatchPipeline::publish() {
  std::unique_ptr<Block> next(new Block);
  next->first_text = added_;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    blocks_.push_back(std::move(filling_));
  }
  filling_ = std::move(next);
  ready_.notify_one();
}

BatchPipeline::Block* BatchPipeline::take() {
  std::unique_lock<std::mutex> lock(mutex_);
  ready_.wait(lock, [this] { return next_ < blocks_.size() || closed_; });
  return next_ < blocks_.size() ? blocks_[next_++].get() : nullptr;
}

void BatchPipeline::close() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
  }
  ready_.notify_all();
}

void BatchPipeline::work() {
  while (Block* b = take()) run(*b);
}

void BatchPipeline::run(Block& b) {
  const size_t n = b.starts.size() - 1;
  for (size_t k = 0; k < n; k++) {
    const uint8_t* text = b.bytes.data() + b.starts[k];
    const size_t len = b.starts[k + 1] - b.starts[k];
    const size_t before = b.tokens.size();
    size_t count = 0;
    Status st = status_unless_out_of_memory([&] {
      return count_only_ ? core_->count(text, len, b.may_be_invalid[k], policy_.view(), &count, &b.offending)
                         : core_->encode(text, len, b.may_be_invalid[k], policy_.view(), b.tokens, &b.offending);
    });
    if (st != Status::kOk) {
      b.status = st;
      b.failed_text = b.first_text + k;
      return;
    }
    counts_[b.first_text + k] = uint32_t(count_only_ ? count : b.tokens.size() - before);
  }
  // The block's text is no longer needed: give its memory back while the others finish.
  std::vector<uint8_t>().swap(b.bytes);
}

BatchResult BatchPipeline::finish() {
  if (filling_->starts.size() > 1) publish();
  close();
  work();
  for (auto& w : workers_) w.join();
  workers_.clear();
  BatchResult result;
  size_t total = 0;
  for (const auto& b : blocks_) {
    if (b->status != Status::kOk) {  // blocks are in text order: the first failure is the lowest text
      result.status = b->status;
      result.failed_text = b->failed_text;
      result.offending = b->offending;
      return result;
    }
    total += b->tokens.size();
  }
  result.total_tokens = total;
  result.token_blocks.reserve(blocks_.size());
  for (auto& b : blocks_) result.token_blocks.push_back(std::move(b->tokens));
  result.counts = std::move(counts_);
  return result;
}

}  // namespace turbotoken_binding
