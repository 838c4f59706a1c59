#include "batch_pipeline.h"

#include <algorithm>
#include <cstring>
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
                             unsigned threads, size_t texts, bool measure, IdHistogram* histogram)
    : core_(std::move(core)), policy_(std::move(policy)), count_only_(count_only), measure_(measure), histogram_(histogram),
      filling_(new Block) {
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
  uint8_t* at = reserve(size);
  if (size) std::memcpy(at, data, size);
  commit(size, may_be_invalid);
}

uint8_t* BatchPipeline::reserve(size_t bytes) {
  Block& b = *filling_;
  const size_t used = b.starts.back();
  if (b.bytes.capacity() < kBlockBytes) b.bytes.reserve(kBlockBytes + kBlockBytes / 4);
  b.bytes.resize(used + bytes);
  return b.bytes.data() + used;
}

void BatchPipeline::commit(size_t size, bool may_be_invalid) {
  Block& b = *filling_;
  b.bytes.resize(b.starts.back() + size);
  b.starts.push_back(b.bytes.size());
  b.may_be_invalid.push_back(may_be_invalid);
  token_bound_ += may_be_invalid ? 3 * size : size;
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
  IdHistogram::Shard* shard = nullptr;
  while (Block* b = take()) {
    if (histogram_ && !shard) shard = histogram_->shard();
    run(*b, shard);
    place(b);
  }
}

void BatchPipeline::place(Block* encoded) {
  struct Claim {
    Block* block;
    size_t at;
  };
  std::vector<Claim> claims;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (encoded) encoded->done = true;
    if (!ids_.data() || unplaced_) return;
    while (placed_ < blocks_.size() && blocks_[placed_]->done) {
      Block* b = blocks_[placed_].get();
      if (b->status != Status::kOk || b->tokens.size() > token_bound_ - placed_tokens_) {
        unplaced_ = true;  // an error, or a wrong bound: finish() gathers the blocks' own ids
        break;
      }
      claims.push_back({b, placed_tokens_});
      b->placed_at = placed_tokens_;
      b->placed_size = b->tokens.size();
      placed_tokens_ += b->tokens.size();
      placed_++;
    }
  }
  uint32_t* ids = static_cast<uint32_t*>(ids_.data());
  for (const Claim& c : claims) {
    if (!c.block->tokens.empty()) std::memcpy(ids + c.at, c.block->tokens.data(), c.block->tokens.size() * 4);
    std::vector<uint32_t>().swap(c.block->tokens);
  }
}

void BatchPipeline::run(Block& b, IdHistogram::Shard* shard) {
  const bool counting = count_only_ && !shard;
  const size_t n = b.starts.size() - 1;
  for (size_t k = 0; k < n; k++) {
    const uint8_t* text = b.bytes.data() + b.starts[k];
    const size_t len = b.starts[k + 1] - b.starts[k];
    const size_t before = b.tokens.size();
    size_t count = 0;
    Status st = status_unless_out_of_memory([&] {
      if (measure_) turbotoken::add_text_measures(text, len, b.may_be_invalid[k], &b.measures);
      return counting ? core_->count(text, len, b.may_be_invalid[k], policy_.view(), &count, &b.offending)
                         : core_->encode(text, len, b.may_be_invalid[k], policy_.view(), b.tokens, &b.offending);
    });
    if (st != Status::kOk) {
      b.status = st;
      b.failed_text = b.first_text + k;
      return;
    }
    counts_[b.first_text + k] = uint32_t(counting ? count : b.tokens.size() - before);
  }
  if (shard) {
    histogram_->count(*shard, b.tokens.data(), b.tokens.size());
    std::vector<uint32_t>().swap(b.tokens);
  }
  // The block's text is no longer needed: give its memory back while the others finish.
  ByteBuffer().swap(b.bytes);
}

BatchResult BatchPipeline::finish() {
  if (filling_->starts.size() > 1) publish();
  if (!count_only_) {
    // Every text is read, so the bound is known. Virtual memory: only the pages the ids reach are
    // touched. Without it the ids are gathered from the blocks below.
    LargeBuffer ids(std::max<size_t>(token_bound_, 1) * 4);
    std::lock_guard<std::mutex> lock(mutex_);
    ids_ = std::move(ids);
  }
  place(nullptr);  // the blocks the other threads encoded while this one read
  close();
  work();
  for (auto& w : workers_) w.join();
  workers_.clear();
  BatchResult result;
  for (const auto& b : blocks_) {
    if (b->status != Status::kOk) {  // blocks are in text order: the first failure is the lowest text
      result.status = b->status;
      result.failed_text = b->failed_text;
      result.offending = b->offending;
      return result;
    }
  }
  for (const auto& b : blocks_) {
    result.measures.bytes += b->measures.bytes;
    result.measures.characters += b->measures.characters;
    result.measures.words += b->measures.words;
  }
  result.counts = std::move(counts_);
  if (count_only_) return result;
  if (ids_.data() && !unplaced_ && placed_ == blocks_.size()) {
    result.ids = std::move(ids_);
    result.total_tokens = placed_tokens_;
    return result;
  }
  // Some blocks were placed (their own ids freed) before a bound failed: gather them all again.
  size_t total = 0;
  result.token_blocks.reserve(blocks_.size());
  uint32_t* placed = static_cast<uint32_t*>(ids_.data());
  for (size_t k = 0; k < blocks_.size(); k++) {
    Block& b = *blocks_[k];
    if (k < placed_ && b.tokens.empty() && b.placed_size) b.tokens.assign(placed + b.placed_at, placed + b.placed_at + b.placed_size);
    total += b.tokens.size();
    result.token_blocks.push_back(std::move(b.tokens));
  }
  result.total_tokens = total;
  return result;
}

}  // namespace turbotoken_binding
