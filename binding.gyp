{
  "targets": [
    {
      "target_name": "turbotoken",
      "sources": [
        "native/core/bpe.cpp",
        "native/core/bpe_long.cpp",
        "native/core/bpe_prefix.cpp",
        "native/core/bpe_run.cpp",
        "native/core/bpe_x86.cpp",
        "native/core/custom_pieces.cpp",
        "native/core/decode.cpp",
        "native/core/decode_x86.cpp",
        "native/core/encoding.cpp",
        "native/core/piece_cache.cpp",
        "native/core/safe_cut.cpp",
        "native/core/scan_common.cpp",
        "native/core/scan_gpt2.cpp",
        "native/core/scan_cl100k.cpp",
        "native/core/scan_o200k.cpp",
        "native/core/special_tokens.cpp",
        "native/core/status.cpp",
        "native/core/unicode_tables.cpp",
        "native/core/utf8.cpp",
        "native/core/utf8_x86.cpp",
        "native/core/utf16_x86.cpp",
        "native/core/vocab.cpp",
        "native/core/kernels.cpp",
        "native/core/scan_masked.cpp",
        "native/core/classify_scalar.cpp",
        "native/core/classify_x86.cpp",
        "native/core/classify_wasm.cpp",
        "native/core/classify_neon.cpp",
        "native/core/regex/pike_vm.cpp",
        "native/binding/addon.cpp",
        "native/binding/async_jobs.cpp",
        "native/binding/batch_pipeline.cpp",
        "native/binding/env_data.cpp",
        "native/binding/js_errors.cpp",
        "native/binding/js_strings.cpp",
        "native/binding/native_encoding.cpp",
        "native/binding/pattern_matcher.cpp",
        "native/binding/split_encode.cpp",
        "native/binding/text_input.cpp"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions", "-O3"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=gnu++1y", "-std=gnu++20"],
      "cflags_cc": ["-std=c++17", "-O3", "-fexceptions", "-fvisibility=hidden"],
      "xcode_settings": {
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "GCC_OPTIMIZATION_LEVEL": "3",
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES"
      },
      "msvs_settings": { "VCCLCompilerTool": { "ExceptionHandling": 1, "Optimization": 2 } }
    }
  ]
}
