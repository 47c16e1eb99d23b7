using static PsLlm.FakeOpenAI.Dialects.DialectWire;

namespace PsLlm.FakeOpenAI.Dialects;

/// <summary>
/// What real OpenAI-compatible servers send, case by case. Every case names where its bytes come
/// from: the server's own source, an exchange captured in another client's tests or issues, or
/// the server's documentation. Where bytes were assembled from a description rather than copied
/// from a capture, the source says "illustrative". Each case has a plain and a streamed variant;
/// for a quirk that only one mode shows, the other variant is the same server's ordinary answer.
/// </summary>
public static class DialectLibrary
{
    private static readonly Dictionary<string, DialectCase> ById = Build().ToDictionary(c => c.Id, StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyCollection<DialectCase> All => ById.Values;

    public static DialectCase Get(string id) =>
        ById.TryGetValue(id, out var found) ? found : throw new KeyNotFoundException($"No dialect case '{id}'.");

    private static IEnumerable<DialectCase> Build()
    {
        // ---- Finish reasons the SDK does not know ------------------------------------------------

        // Together AI: "eos", usage on the finish chunk, a seed above 2^53, choices[].text beside delta.
        yield return new DialectCase("together-eos", "Together AI",
            "AIProxySwift Tests/AIProxyTests/TogetherAIChatCompletionStreamingChunkTests.swift (captured chunk); openai/openai-dotnet PR #267 (\"Unknown ChatFinishReason value ... eos\")",
            Json("""{"id":"8b43a5cfadf99e5c-SJC","object":"chat.completion","created":1723834621,"model":"meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo","prompt":[],"choices":[{"finish_reason":"eos","seed":2039908639335532000,"logprobs":null,"index":0,"message":{"role":"assistant","content":"Hello","tool_calls":[]}}],"usage":{"prompt_tokens":12,"completion_tokens":27,"total_tokens":39}}"""),
            Sse("""{"id":"8b43a5cfadf99e5c-SJC","object":"chat.completion.chunk","created":1723834621,"choices":[{"index":0,"text":"Hel","logprobs":null,"finish_reason":null,"seed":null,"delta":{"token_id":30,"role":"assistant","content":"Hel","tool_calls":null}}],"model":"meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo","usage":null}""",
                """{"id":"8b43a5cfadf99e5c-SJC","object":"chat.completion.chunk","created":1723834621,"choices":[{"index":0,"text":"lo","logprobs":null,"finish_reason":"eos","seed":2039908639335532000,"delta":{"token_id":128009,"role":"assistant","content":"lo","tool_calls":null}}],"model":"meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo","usage":{"prompt_tokens":12,"completion_tokens":27,"total_tokens":39}}""",
                "[DONE]"),
            new DialectOutcome { Text = "Hello", FinishReason = "stop", Usage = new(12, 27, 39) });

        // Mistral: "model_length" when the context window ran out; usage in Mistral's key order.
        yield return new DialectCase("mistral-model-length", "Mistral La Plateforme",
            "mistralai client FinishReason literal (stop|length|model_length|error|tool_calls), quoted in camel-ai/camel #4266 and laravel/ai PR #955; body illustrative",
            Json("""{"id":"a1b2c3d4e5f64a7b8c9d0e1f2a3b4c5d","object":"chat.completion","created":1735689600,"model":"mistral-small-latest","choices":[{"index":0,"message":{"role":"assistant","tool_calls":null,"content":"Hello"},"finish_reason":"model_length"}],"usage":{"prompt_tokens":32000,"total_tokens":32768,"completion_tokens":768}}"""),
            Sse("""{"id":"a1b2","object":"chat.completion.chunk","created":1735689600,"model":"mistral-small-latest","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}""",
                """{"id":"a1b2","object":"chat.completion.chunk","created":1735689600,"model":"mistral-small-latest","choices":[{"index":0,"delta":{"content":"Hello"},"finish_reason":null}]}""",
                """{"id":"a1b2","object":"chat.completion.chunk","created":1735689600,"model":"mistral-small-latest","choices":[{"index":0,"delta":{"content":""},"finish_reason":"model_length"}],"usage":{"prompt_tokens":32000,"total_tokens":32768,"completion_tokens":768}}""",
                "[DONE]"),
            new DialectOutcome { Text = "Hello", FinishReason = "length", Usage = new(32000, 768, 32768) });

        // A gateway passing Gemini's upper-case reasons through, with a chunk's "object" on a whole answer.
        yield return new DialectCase("gateway-uppercase-stop", "OpenAI-compatible gateway in front of Gemini",
            "QwenLM/qwen-code issue #9882 and PR #9884 (both bodies quoted); streamed variant illustrative",
            Json("""{"choices":[{"message":{"role":"assistant","content":"OK"},"index":0,"finish_reason":"STOP"}],"usage":{"completion_tokens":102,"prompt_tokens":8,"total_tokens":110},"id":"chat","object":"chat.completion.chunk"}"""),
            Sse("""{"choices":[{"delta":{"role":"assistant","content":"OK"},"index":0}],"id":"chat","object":"chat.completion.chunk"}""",
                """{"choices":[{"delta":{},"index":0,"finish_reason":"STOP"}],"usage":{"completion_tokens":102,"prompt_tokens":8,"total_tokens":110},"id":"chat","object":"chat.completion.chunk"}""",
                "[DONE]"),
            new DialectOutcome { Text = "OK", FinishReason = "stop", Usage = new(8, 102, 110) });

        // The same gateway when thinking used up the budget: no content key at all, MAX_TOKENS.
        yield return new DialectCase("gateway-max-tokens-no-content", "OpenAI-compatible gateway in front of Gemini",
            "QwenLM/qwen-code PR #9884 (body quoted); streamed variant illustrative",
            Json("""{"choices":[{"message":{"role":"assistant"},"index":0,"finish_reason":"MAX_TOKENS"}],"usage":{"completion_tokens":5,"prompt_tokens":9,"total_tokens":14},"id":"chat","object":"chat.completion.chunk"}"""),
            Sse("""{"choices":[{"delta":{"role":"assistant"},"index":0,"finish_reason":"MAX_TOKENS"}],"usage":{"completion_tokens":5,"prompt_tokens":9,"total_tokens":14},"id":"chat","object":"chat.completion.chunk"}""",
                "[DONE]"),
            new DialectOutcome { Text = "", FinishReason = "length", Usage = new(9, 5, 14) });

        // A Python enum's text leaking through a gateway as the finish reason.
        yield return new DialectCase("gateway-python-enum-finish", "Gateway leaking a Python enum",
            "langgenius/dify issue #8550 (\"finish_reason\": \"FinishReason.MAX_TOKENS\"); bodies illustrative",
            Json("""{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gemini-1.5-pro","choices":[{"index":0,"message":{"role":"assistant","content":"Cut"},"finish_reason":"FinishReason.MAX_TOKENS"}]}"""),
            Sse("""{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gemini-1.5-pro","choices":[{"index":0,"delta":{"content":"Cut"},"finish_reason":null}]}""",
                """{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gemini-1.5-pro","choices":[{"index":0,"delta":{},"finish_reason":"FinishReason.MAX_TOKENS"}]}""",
                "[DONE]"),
            new DialectOutcome { Text = "Cut", FinishReason = "length", NoUsage = true });

        // SGLang: "" where null is meant (not terminal), "role": null, matched_stop.
        yield return new DialectCase("sglang-empty-finish", "SGLang 0.4.3 (also Sensenova)",
            "sgl-project/sglang issue #3912 (chunk quoted); axonhub PR #2073; final matched_stop illustrative",
            Json("""{"id":"b2946a2aa5574af6aadf0c0889e8dcef","object":"chat.completion","created":1740634121,"model":"deepseek-r1:70b","choices":[{"index":0,"message":{"role":"assistant","content":"Hello","tool_calls":null},"logprobs":null,"finish_reason":"","matched_stop":null}],"usage":{"prompt_tokens":4,"total_tokens":5,"completion_tokens":1,"prompt_tokens_details":null}}"""),
            Sse("""{"id":"b2946a2aa5574af6aadf0c0889e8dcef","object":"chat.completion.chunk","created":1740634121,"model":"deepseek-r1:70b","choices":[{"index":0,"delta":{"role":null,"content":"Hel","tool_calls":null},"logprobs":null,"finish_reason":"","matched_stop":null}],"usage":null}""",
                """{"id":"b2946a2aa5574af6aadf0c0889e8dcef","object":"chat.completion.chunk","created":1740634121,"model":"deepseek-r1:70b","choices":[{"index":0,"delta":{"role":null,"content":"lo","tool_calls":null},"logprobs":null,"finish_reason":"","matched_stop":null}],"usage":null}""",
                """{"id":"b2946a2aa5574af6aadf0c0889e8dcef","object":"chat.completion.chunk","created":1740634121,"model":"deepseek-r1:70b","choices":[{"index":0,"delta":{"role":null,"content":"","tool_calls":null},"logprobs":null,"finish_reason":"stop","matched_stop":151643}],"usage":null}""",
                "[DONE]"),
            new DialectOutcome { Text = "Hello", FinishReason = "stop" })
        // A whole answer whose reason is "" has no reason; it is still complete.
        { ExpectPlain = new DialectOutcome { Text = "Hello", FinishReason = "", Usage = new(4, 1, 5) } };

        // KoboldCpp: the string "null" on every chunk, and "data: [DONE]" with no line end before the close.
        yield return new DialectCase("koboldcpp-null-string-finish", "KoboldCpp <= 1.85",
            "LostRuins/koboldcpp koboldcpp.py handle_sse_stream()/send_oai_sse_event(); PowerShell/AIShell issue #350 (\"Actual value was null\")",
            Json("""{"id": "chatcmpl-A1", "object": "chat.completion", "created": 1741168119, "model": "koboldcpp/Llama-3-8B", "usage": {"prompt_tokens": 10, "completion_tokens": 1, "total_tokens": 11}, "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hello"}, "finish_reason": "null", "logprobs": null}]}"""),
            RawSse("data: {\"id\": \"koboldcpp\", \"object\": \"chat.completion.chunk\", \"created\": 1741168119, \"model\": \"koboldcpp/Llama-3-8B\", \"choices\": [{\"index\": 0, \"finish_reason\": \"null\", \"delta\": {\"role\": \"assistant\", \"content\": \"Hello\"}}]}\n\n"
                 + "data: {\"id\": \"koboldcpp\", \"object\": \"chat.completion.chunk\", \"created\": 1741168119, \"model\": \"koboldcpp/Llama-3-8B\", \"choices\": [{\"index\": 0, \"finish_reason\": \"stop\", \"delta\": {\"role\": \"assistant\", \"content\": \"\"}}]}\n\n"
                 + "data: [DONE]"),
            new DialectOutcome { Text = "Hello", FinishReason = "stop" })
        { ExpectPlain = new DialectOutcome { Text = "Hello", FinishReason = "", Usage = new(10, 1, 11) } };

        // Ollama: "load" for a request that only loads the model; kept as the server said it.
        yield return new DialectCase("ollama-finish-load", "Ollama",
            "ollama/ollama server/routes.go ChatHandler() (DoneReason \"load\" for empty messages), passed through by openai/openai.go ToChatCompletion()",
            Json("""{"id":"chatcmpl-12","object":"chat.completion","created":1735689600,"model":"llama3.2","system_fingerprint":"fp_ollama","choices":[{"index":0,"message":{"role":"assistant","content":""},"finish_reason":"load"}],"usage":{"prompt_tokens":0,"completion_tokens":0,"total_tokens":0}}"""),
            Sse("""{"id":"chatcmpl-12","object":"chat.completion.chunk","created":1735689600,"model":"llama3.2","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"load"}]}""",
                "[DONE]"),
            new DialectOutcome { Text = "", FinishReason = "load" });

        // Gemini's compatibility beta: the real reason only in a camelCase key.
        yield return new DialectCase("gemini-camelcase-finish", "Gemini OpenAI-compatible endpoint (beta, Dec 2024)",
            "jakobdylanc/llmcord issue #84 (maintainer's description of both keys); bytes illustrative",
            Json("""{"choices":[{"message":{"content":"Hello","role":"assistant"},"finish_reason":null,"finishReason":"stop","index":0}],"created":1734800000,"model":"gemini-1.5-flash","object":"chat.completion"}"""),
            Sse("""{"choices":[{"delta":{"content":"Hel","role":"assistant"},"finish_reason":null,"index":0}],"created":1734800000,"model":"gemini-1.5-flash","object":"chat.completion.chunk"}""",
                """{"choices":[{"delta":{"content":"lo","role":"assistant"},"finish_reason":null,"finishReason":"stop","index":0}],"created":1734800000,"model":"gemini-1.5-flash","object":"chat.completion.chunk"}"""),
            new DialectOutcome { Text = "Hello", FinishReason = "stop" });

        // Anthropic's reasons leaking through OpenRouter (2024).
        yield return new DialectCase("openrouter-end-turn", "OpenRouter routing to Anthropic (May 2024)",
            "vercel/modelfusion PR #343 (body quoted from the TypeValidationError); streamed variant illustrative",
            Json("""{"id":"gen-xxx","model":"anthropic/claude-3-opus","object":"chat.completion","created":1716730125,"choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I assist you today?"},"finish_reason":"end_turn"}],"usage":{"prompt_tokens":10,"completion_tokens":12,"total_tokens":22}}"""),
            Sse("""{"id":"gen-xxx","model":"anthropic/claude-3-opus","object":"chat.completion.chunk","created":1716730125,"choices":[{"index":0,"delta":{"role":"assistant","content":"Hello! How can I assist you today?"},"finish_reason":null}]}""",
                """{"id":"gen-xxx","model":"anthropic/claude-3-opus","object":"chat.completion.chunk","created":1716730125,"choices":[{"index":0,"delta":{},"finish_reason":"stop_sequence"}]}""",
                "[DONE]"),
            new DialectOutcome { Text = "Hello! How can I assist you today?", FinishReason = "stop" });

        // ---- Reasoning ------------------------------------------------------------------------------

        // Mistral Magistral: content as a list with thinking parts; streamed, the type of content changes mid-stream.
        yield return new DialectCase("magistral-thinking-parts", "Mistral API, magistral-medium-2509",
            "Stream: BerriAI/litellm issue #16272 (thinking chunks quoted) and mistralai/client-python PR #511; plain: simonw/llm-mistral PR #39 and spring-ai PR #5020 (usage illustrative)",
            Json("""{"id":"c3c77283055240cbbaf6f01d384cfccb","object":"chat.completion","created":1762355135,"model":"magistral-medium-2509","choices":[{"index":0,"message":{"role":"assistant","tool_calls":null,"content":[{"type":"thinking","thinking":[{"type":"text","text":"'s a greeting, I should"}]},{"type":"text","text":"Hello"}]},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"total_tokens":40,"completion_tokens":30}}"""),
            Sse("""{"id":"c3c77283055240cbbaf6f01d384cfccb","object":"chat.completion.chunk","created":1762355135,"model":"magistral-medium-2509","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}""",
                """{"id":"c3c77283055240cbbaf6f01d384cfccb","object":"chat.completion.chunk","created":1762355135,"model":"magistral-medium-2509","choices":[{"index":0,"delta":{"content":[{"type":"thinking","thinking":[{"type":"text","text":"'s a greeting"}]}]},"finish_reason":null}]}""",
                """{"id":"c3c77283055240cbbaf6f01d384cfccb","object":"chat.completion.chunk","created":1762355135,"model":"magistral-medium-2509","choices":[{"index":0,"delta":{"content":[{"type":"thinking","thinking":[{"type":"text","text":", I should"}]}]},"finish_reason":null}]}""",
                """{"id":"c3c77283055240cbbaf6f01d384cfccb","object":"chat.completion.chunk","created":1762355135,"model":"magistral-medium-2509","choices":[{"index":0,"delta":{"content":"Hello"},"finish_reason":null}]}""",
                """{"id":"c3c77283055240cbbaf6f01d384cfccb","object":"chat.completion.chunk","created":1762355135,"model":"magistral-medium-2509","choices":[{"index":0,"delta":{"content":""},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"total_tokens":40,"completion_tokens":30}}""",
                "[DONE]"),
            new DialectOutcome { Text = "Hello", Reasoning = "'s a greeting, I should", FinishReason = "stop", Usage = new(10, 30, 40) });

        // DeepSeek reasoner: reasoning_content, content null while thinking, its own cache counters.
        yield return new DialectCase("deepseek-reasoning-content", "DeepSeek API, deepseek-reasoner",
            "Captured exchanges in a Go client's tests (mockChatCompletionStreamResp / mockChatCompletionResp, system_fingerprint fp_ffc7281d48_prod0820_fp8_kvcache); DeepSeek usage fields per its API reference",
            Json("""
            {
                "id": "1c416330-2dca-4478-a1ac-1257d6512c7d",
                "object": "chat.completion",
                "created": 1758977545,
                "model": "deepseek-reasoner",
                "choices": [
                    {
                        "index": 0,
                        "message": {
                            "role": "assistant",
                            "content": "Hello",
                            "reasoning_content": "A simple greeting."
                        },
                        "logprobs": null,
                        "finish_reason": "stop"
                    }
                ],
                "usage": {
                    "prompt_tokens": 6,
                    "completion_tokens": 169,
                    "total_tokens": 175,
                    "prompt_tokens_details": {
                        "cached_tokens": 0
                    },
                    "completion_tokens_details": {
                        "reasoning_tokens": 117
                    },
                    "prompt_cache_hit_tokens": 1,
                    "prompt_cache_miss_tokens": 5
                },
                "system_fingerprint": "fp_f253fc19d1_prod0820_fp8_kvcache"
            }
            """),
            Sse("""{"id":"f802c271-d4da-4773-b8b3-b1e4dfbf14f3","object":"chat.completion.chunk","created":1759299469,"model":"deepseek-reasoner","system_fingerprint":"fp_ffc7281d48_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"role":"assistant","content":null,"reasoning_content":""},"logprobs":null,"finish_reason":null}]}""",
                """{"id":"f802c271-d4da-4773-b8b3-b1e4dfbf14f3","object":"chat.completion.chunk","created":1759299469,"model":"deepseek-reasoner","system_fingerprint":"fp_ffc7281d48_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":null,"reasoning_content":"A simple greeting."},"logprobs":null,"finish_reason":null}]}""",
                """{"id":"f802c271-d4da-4773-b8b3-b1e4dfbf14f3","object":"chat.completion.chunk","created":1759299469,"model":"deepseek-reasoner","system_fingerprint":"fp_ffc7281d48_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":"Hello","reasoning_content":null},"logprobs":null,"finish_reason":null}]}""",
                """{"id":"f802c271-d4da-4773-b8b3-b1e4dfbf14f3","object":"chat.completion.chunk","created":1759299469,"model":"deepseek-reasoner","system_fingerprint":"fp_ffc7281d48_prod0820_fp8_kvcache","choices":[{"index":0,"delta":{"content":"","reasoning_content":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":6,"completion_tokens":169,"total_tokens":175,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":117},"prompt_cache_hit_tokens":1,"prompt_cache_miss_tokens":5}}""",
                "[DONE]"),
            // DeepSeek's own cache counter wins over prompt_tokens_details, which can disagree.
            new DialectOutcome { Text = "Hello", Reasoning = "A simple greeting.", FinishReason = "stop", Usage = new(6, 169, 175, Cached: 1, Reasoning: 117) });

        // Ollama: "reasoning", content "" (not null) on reasoning-only chunks, role on every chunk.
        yield return new DialectCase("ollama-reasoning", "Ollama, thinking models (qwen3, gpt-oss)",
            "ollama/ollama openai/openai.go Message.Reasoning, ToChatCompletion(), ToStreamChunks(); commit 97013a190",
            Json("""{"id":"chatcmpl-88","object":"chat.completion","created":1735689600,"model":"qwen3","system_fingerprint":"fp_ollama","choices":[{"index":0,"message":{"role":"assistant","content":"Hello","reasoning":"The user greets me."},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":9,"total_tokens":21}}"""),
            Sse("""{"id":"chatcmpl-88","object":"chat.completion.chunk","created":1735689600,"model":"qwen3","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":"","reasoning":"The user greets me."},"finish_reason":null}]}""",
                """{"id":"chatcmpl-88","object":"chat.completion.chunk","created":1735689600,"model":"qwen3","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":"Hello"},"finish_reason":null}]}""",
                """{"id":"chatcmpl-88","object":"chat.completion.chunk","created":1735689600,"model":"qwen3","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"stop"}]}""",
                """{"id":"chatcmpl-88","object":"chat.completion.chunk","created":1735689600,"model":"qwen3","system_fingerprint":"fp_ollama","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":9,"total_tokens":21}}""",
                "[DONE]"),
            new DialectOutcome { Text = "Hello", Reasoning = "The user greets me.", FinishReason = "stop", Usage = new(12, 9, 21) });

        // vLLM >= 0.11.1: "reasoning" (renamed from reasoning_content), usage in vLLM's key order with reasoning tokens.
        yield return new DialectCase("vllm-reasoning", "vLLM >= 0.11.1 with a reasoning parser",
            "vllm-project/vllm PR #27752 (reasoning_content -> reasoning), PR #34030; vllm protocol.py DeltaMessage; serving.py _make_completion_tokens_details()",
            Json("""{"id":"chatcmpl-9a2f","object":"chat.completion","created":1770000000,"model":"Qwen/Qwen3-8B","choices":[{"index":0,"message":{"role":"assistant","content":"Hello","reasoning":"User says hi.","tool_calls":[]},"logprobs":null,"finish_reason":"stop","stop_reason":null}],"usage":{"prompt_tokens":12,"total_tokens":30,"completion_tokens":18,"completion_tokens_details":{"reasoning_tokens":14}},"prompt_logprobs":null}"""),
            Sse("""{"id":"chatcmpl-9a2f","object":"chat.completion.chunk","created":1770000000,"model":"Qwen/Qwen3-8B","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}""",
                """{"id":"chatcmpl-9a2f","object":"chat.completion.chunk","created":1770000000,"model":"Qwen/Qwen3-8B","choices":[{"index":0,"delta":{"reasoning":"User says hi."},"logprobs":null,"finish_reason":null}]}""",
                """{"id":"chatcmpl-9a2f","object":"chat.completion.chunk","created":1770000000,"model":"Qwen/Qwen3-8B","choices":[{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}]}""",
                """{"id":"chatcmpl-9a2f","object":"chat.completion.chunk","created":1770000000,"model":"Qwen/Qwen3-8B","choices":[{"index":0,"delta":{"content":""},"logprobs":null,"finish_reason":"stop","stop_reason":null}]}""",
                """{"id":"chatcmpl-9a2f","object":"chat.completion.chunk","created":1770000000,"model":"Qwen/Qwen3-8B","choices":[],"usage":{"prompt_tokens":12,"total_tokens":30,"completion_tokens":18,"completion_tokens_details":{"reasoning_tokens":14}}}""",
                "[DONE]"),
            new DialectOutcome { Text = "Hello", Reasoning = "User says hi.", FinishReason = "stop", Usage = new(12, 18, 30, Reasoning: 14) });

        // OpenRouter: processing comments, reasoning and reasoning_details, native_finish_reason, cost in usage.
        yield return new DialectCase("openrouter-reasoning-comments", "OpenRouter",
            "openrouter.ai/docs/api-reference/streaming (\": OPENROUTER PROCESSING\" comments), /docs/use-cases/usage-accounting (usage object quoted); chunk envelope illustrative",
            Json("""{"id":"gen-1745000000-abcDEF","provider":"Anthropic","model":"anthropic/claude-sonnet-4","object":"chat.completion","created":1745000000,"choices":[{"logprobs":null,"finish_reason":"stop","native_finish_reason":"end_turn","index":0,"message":{"role":"assistant","content":"Hello","refusal":null,"reasoning":"Think ","reasoning_details":[{"type":"reasoning.text","text":"Think ","format":"anthropic-claude-v1","index":0}]}}],"usage":{"prompt_tokens":194,"completion_tokens":2,"total_tokens":196,"cost":0.95,"is_byok":false,"prompt_tokens_details":{"cached_tokens":0,"cache_write_tokens":100,"audio_tokens":0},"cost_details":{"upstream_inference_cost":19},"completion_tokens_details":{"reasoning_tokens":0}}}"""),
            RawSse(": OPENROUTER PROCESSING\n\n: OPENROUTER PROCESSING\n\n"
                 + "data: {\"id\":\"gen-1745000000-abcDEF\",\"provider\":\"Anthropic\",\"model\":\"anthropic/claude-sonnet-4\",\"object\":\"chat.completion.chunk\",\"created\":1745000000,\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"reasoning\":\"Think \",\"reasoning_details\":[{\"type\":\"reasoning.text\",\"text\":\"Think \",\"format\":\"anthropic-claude-v1\",\"index\":0}]},\"finish_reason\":null,\"native_finish_reason\":null,\"logprobs\":null}]}\n\n"
                 + ": OPENROUTER PROCESSING\n\n"
                 + "data: {\"id\":\"gen-1745000000-abcDEF\",\"provider\":\"Anthropic\",\"model\":\"anthropic/claude-sonnet-4\",\"object\":\"chat.completion.chunk\",\"created\":1745000000,\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hello\"},\"finish_reason\":null,\"native_finish_reason\":null,\"logprobs\":null}]}\n\n"
                 + "data: {\"id\":\"gen-1745000000-abcDEF\",\"provider\":\"Anthropic\",\"model\":\"anthropic/claude-sonnet-4\",\"object\":\"chat.completion.chunk\",\"created\":1745000000,\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":\"stop\",\"native_finish_reason\":\"end_turn\",\"logprobs\":null}]}\n\n"
                 + "data: {\"id\":\"gen-1745000000-abcDEF\",\"provider\":\"Anthropic\",\"model\":\"anthropic/claude-sonnet-4\",\"object\":\"chat.completion.chunk\",\"created\":1745000000,\"choices\":[],\"usage\":{\"prompt_tokens\":194,\"completion_tokens\":2,\"total_tokens\":196,\"cost\":0.95,\"is_byok\":false,\"prompt_tokens_details\":{\"cached_tokens\":0,\"cache_write_tokens\":100,\"audio_tokens\":0},\"cost_details\":{\"upstream_inference_cost\":19},\"completion_tokens_details\":{\"reasoning_tokens\":0}}}\n\n"
                 + "data: [DONE]\n\n"),
            new DialectOutcome { Text = "Hello", Reasoning = "Think ", FinishReason = "stop", Usage = new(194, 2, 196) });

        // GitHub Copilot's endpoint: reasoning summary as "cot_summary", an Azure-style filter chunk first, ids empty at first.
        yield return new DialectCase("copilot-cot-summary", "GitHub Copilot chat API",
            "microsoft/vscode-copilot-chat stream test 'stream containing cot_summary and cot_id' (chunks quoted); final chunks and plain variant illustrative",
            Json("""{"choices":[{"content_filter_results":{},"finish_reason":"stop","index":0,"message":{"content":"Done","role":"assistant","cot_summary":"Analyzing","cot_id":"cot_1"}}],"created":1751057335,"id":"chatcmpl-BnAIAsJndIJEfDlso8pzFD55XYEbc","model":"o3-mini","object":"chat.completion","usage":{"completion_tokens":3,"prompt_tokens":5,"total_tokens":8}}"""),
            Sse("""{"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[{"prompt_index":0,"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}}}]}""",
                """{"choices":[{"content_filter_results":{},"delta":{"cot_summary":"Analy"},"index":0}],"created":1751057335,"id":"","model":"","object":"chat.completion.chunk","system_fingerprint":"fp_ef29a3520f","usage":null}""",
                """{"choices":[{"content_filter_results":{},"delta":{"cot_summary":"zing"},"index":0}],"created":1751057335,"id":"chatcmpl-BnAIAsJndIJEfDlso8pzFD55XYEbc","model":"","object":"chat.completion.chunk","system_fingerprint":"fp_ef29a3520f","usage":null}""",
                """{"choices":[{"content_filter_results":{},"delta":{"content":"Done"},"index":0}],"created":1751057335,"id":"chatcmpl-BnAIAsJndIJEfDlso8pzFD55XYEbc","model":"o3-mini","object":"chat.completion.chunk","usage":null}""",
                """{"choices":[{"content_filter_results":{},"delta":{},"finish_reason":"stop","index":0}],"created":1751057335,"id":"chatcmpl-BnAIAsJndIJEfDlso8pzFD55XYEbc","model":"o3-mini","object":"chat.completion.chunk","usage":{"completion_tokens":3,"prompt_tokens":5,"total_tokens":8}}""",
                "[DONE]"),
            new DialectOutcome { Text = "Done", Reasoning = "Analyzing", FinishReason = "stop", Usage = new(5, 3, 8) });

        // LM Studio: reasoning_content, "stats": {}, system_fingerprint = the model key, tool_calls always [].
        yield return new DialectCase("lmstudio-reasoning-stats", "LM Studio 0.3.x/0.4.x",
            "LM Studio transcripts recorded in client test suites (\"stats\":{},\"system_fingerprint\":\"google/gemma-4-e4b\"); streamed variant illustrative",
            Json("""{"id":"chatcmpl-0y6dbfrovvc94gvie5mdry1","object":"chat.completion","created":1786978904,"model":"google/gemma-4-e4b","choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I help you today?","reasoning_content":"The user greets me.","tool_calls":[]},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":20,"total_tokens":30,"completion_tokens_details":{"reasoning_tokens":10}},"stats":{},"system_fingerprint":"google/gemma-4-e4b"}"""),
            Sse("""{"id":"chatcmpl-0y6d","object":"chat.completion.chunk","created":1786978904,"model":"google/gemma-4-e4b","system_fingerprint":"google/gemma-4-e4b","choices":[{"index":0,"delta":{"role":"assistant","reasoning_content":"The user greets me."},"logprobs":null,"finish_reason":null}]}""",
                """{"id":"chatcmpl-0y6d","object":"chat.completion.chunk","created":1786978904,"model":"google/gemma-4-e4b","system_fingerprint":"google/gemma-4-e4b","choices":[{"index":0,"delta":{"content":"Hello! How can I help you today?"},"logprobs":null,"finish_reason":null}]}""",
                """{"id":"chatcmpl-0y6d","object":"chat.completion.chunk","created":1786978904,"model":"google/gemma-4-e4b","system_fingerprint":"google/gemma-4-e4b","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":20,"total_tokens":30,"completion_tokens_details":{"reasoning_tokens":10}}}""",
                "[DONE]"),
            new DialectOutcome { Text = "Hello! How can I help you today?", Reasoning = "The user greets me.", FinishReason = "stop", Usage = new(10, 20, 30, Reasoning: 10) });

        // ---- Tool calls -------------------------------------------------------------------------------

        // Ollama with a parser that numbers every call 0: the ids tell the calls apart.
        yield return new DialectCase("ollama-tool-calls-index-zero", "Ollama (glm47, nemotron3nano, olmo3_think parsers)",
            "ollama/ollama openai/openai.go ToToolCalls() (Index from the parser), tools/tools.go; server/routes.go toolCallId(); finish rewritten to tool_calls once a call was sent",
            Json("""{"id":"chatcmpl-5","object":"chat.completion","created":1735689600,"model":"glm-4.7","system_fingerprint":"fp_ollama","choices":[{"index":0,"message":{"role":"assistant","content":"","tool_calls":[{"id":"call_k3x9q2ab","index":0,"type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},{"id":"call_p0m1z7cd","index":0,"type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Rome\"}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":30,"completion_tokens":20,"total_tokens":50}}"""),
            Sse("""{"id":"chatcmpl-5","object":"chat.completion.chunk","created":1735689600,"model":"glm-4.7","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":"","tool_calls":[{"id":"call_k3x9q2ab","index":0,"type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},"finish_reason":null}]}""",
                """{"id":"chatcmpl-5","object":"chat.completion.chunk","created":1735689600,"model":"glm-4.7","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":"","tool_calls":[{"id":"call_p0m1z7cd","index":0,"type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Rome\"}"}}]},"finish_reason":null}]}""",
                """{"id":"chatcmpl-5","object":"chat.completion.chunk","created":1735689600,"model":"glm-4.7","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"tool_calls"}]}""",
                "[DONE]"),
            new DialectOutcome
            {
                FinishReason = "tool_calls",
                ToolCalls = [new("call_k3x9q2ab", "get_weather", """{"city":"Paris"}"""), new("call_p0m1z7cd", "get_weather", """{"city":"Rome"}""")],
            });

        // Gemini 3: no index, a thought signature to send back, "stop" after a streamed tool call.
        yield return new DialectCase("gemini-thought-signature", "Gemini OpenAI-compatible endpoint, Gemini 3",
            "THU-MAIC/OpenMAIC issue #1556 (first chunk quoted, signature shortened); open-webui/computer #224; googleapis/python-genai #2868; ai.google.dev/gemini-api/docs/thought-signatures; final chunk illustrative",
            Json("""{"choices":[{"finish_reason":"tool_calls","index":0,"message":{"role":"assistant","tool_calls":[{"extra_content":{"google":{"thought_signature":"CrICAdHtim827fQ"}},"function":{"arguments":"{\"city\":\"Paris\"}","name":"get_weather"},"id":"call_297140","type":"function"}]}}],"created":1770000000,"id":"dGhpcyBpcyBnZW1pbmk","model":"gemini-3.8-flash","object":"chat.completion","usage":{"completion_tokens":12,"prompt_tokens":40,"total_tokens":120}}"""),
            Sse("""{"choices":[{"delta":{"role":"assistant","tool_calls":[{"extra_content":{"google":{"thought_signature":"CrICAdHtim827fQ"}},"function":{"arguments":"{\"city\":\"Paris\"}","name":"get_weather"},"id":"call_297140","type":"function"}]},"index":0}],"model":"gemini-3.8-flash","object":"chat.completion.chunk"}""",
                """{"choices":[{"delta":{"role":"assistant"},"finish_reason":"stop","index":0}],"model":"gemini-3.8-flash","object":"chat.completion.chunk","usage":{"completion_tokens":12,"prompt_tokens":40,"total_tokens":120}}""",
                "[DONE]"),
            new DialectOutcome
            {
                FinishReason = "tool_calls",
                Usage = new(40, 12, 120),
                ToolCalls = [new("call_297140", "get_weather", """{"city":"Paris"}""", """{"extra_content":{"google":{"thought_signature":"CrICAdHtim827fQ"}}}""")],
            });

        // Gemini: two calls without index, the second's arguments split over index-less pieces.
        yield return new DialectCase("gemini-indexless-parallel-calls", "Gemini OpenAI-compatible endpoint",
            "open-webui/computer issue #224 (\"omit tool_calls[].index; split function arguments across indexless deltas\"); openai/openai-python #2806 (\"Expected list delta entry to have an index key\"); bytes illustrative",
            Json("""{"choices":[{"finish_reason":"tool_calls","index":0,"message":{"role":"assistant","tool_calls":[{"function":{"arguments":"{\"city\":\"Paris\"}","name":"get_weather"},"id":"function-call-1","type":"function"},{"function":{"arguments":"{\"city\":\"Rome\"}","name":"get_weather"},"id":"function-call-2","type":"function"}]}}],"created":1,"id":"x","model":"gemini-2.5-flash","object":"chat.completion"}"""),
            Sse("""{"choices":[{"delta":{"role":"assistant","tool_calls":[{"function":{"arguments":"{\"city\":\"Paris\"}","name":"get_weather"},"id":"function-call-1","type":"function"}]},"index":0}],"model":"gemini-2.5-flash","object":"chat.completion.chunk"}""",
                """{"choices":[{"delta":{"role":"assistant","tool_calls":[{"function":{"arguments":"{\"city\":","name":"get_weather"},"id":"function-call-2","type":"function"}]},"index":0}],"model":"gemini-2.5-flash","object":"chat.completion.chunk"}""",
                """{"choices":[{"delta":{"role":"assistant","tool_calls":[{"function":{"arguments":"\"Rome\"}"},"type":"function"}]},"index":0}],"model":"gemini-2.5-flash","object":"chat.completion.chunk"}""",
                """{"choices":[{"delta":{"role":"assistant"},"finish_reason":"stop","index":0}],"model":"gemini-2.5-flash","object":"chat.completion.chunk"}""",
                "[DONE]"),
            new DialectOutcome
            {
                FinishReason = "tool_calls",
                ToolCalls = [new("function-call-1", "get_weather", """{"city":"Paris"}"""), new("function-call-2", "get_weather", """{"city":"Rome"}""")],
            });

        // vLLM hermes parser: a name chunk without "arguments", then argument pieces by index.
        yield return new DialectCase("vllm-fragmented-tool-arguments", "vLLM with --tool-call-parser hermes",
            "vllm tool parsers (hermes_tool_parser.py: DeltaToolCall(...).model_dump(exclude_none=True)); make_tool_call_id(); plain body from vLLM captures (\"tool_calls\" list, stop_reason, prompt_logprobs)",
            Json("""{"id":"chatcmpl-1b","object":"chat.completion","created":1750000000,"model":"Qwen/Qwen2.5-7B-Instruct","choices":[{"index":0,"message":{"role":"assistant","reasoning_content":null,"content":null,"tool_calls":[{"id":"chatcmpl-tool-3f7a9c0e2b1d4e5f","type":"function","function":{"name":"get_weather","arguments":"{\"city\": \"Paris\"}"}}]},"logprobs":null,"finish_reason":"tool_calls","stop_reason":null}],"usage":{"prompt_tokens":180,"total_tokens":200,"completion_tokens":20,"prompt_tokens_details":null},"prompt_logprobs":null}"""),
            Sse("""{"id":"chatcmpl-1b","object":"chat.completion.chunk","created":1750000000,"model":"Qwen/Qwen2.5-7B-Instruct","choices":[{"index":0,"delta":{"tool_calls":[{"id":"chatcmpl-tool-3f7a9c0e2b1d4e5f","type":"function","index":0,"function":{"name":"get_weather"}}]},"logprobs":null,"finish_reason":null}]}""",
                """{"id":"chatcmpl-1b","object":"chat.completion.chunk","created":1750000000,"model":"Qwen/Qwen2.5-7B-Instruct","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\": \""}}]},"logprobs":null,"finish_reason":null}]}""",
                """{"id":"chatcmpl-1b","object":"chat.completion.chunk","created":1750000000,"model":"Qwen/Qwen2.5-7B-Instruct","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"Paris\"}"}}]},"logprobs":null,"finish_reason":null}]}""",
                """{"id":"chatcmpl-1b","object":"chat.completion.chunk","created":1750000000,"model":"Qwen/Qwen2.5-7B-Instruct","choices":[{"index":0,"delta":{"content":""},"logprobs":null,"finish_reason":"tool_calls","stop_reason":null}]}""",
                "[DONE]"),
            new DialectOutcome
            {
                FinishReason = "tool_calls",
                ToolCalls = [new("chatcmpl-tool-3f7a9c0e2b1d4e5f", "get_weather", """{"city": "Paris"}""")],
            });

        // llama.cpp: reasoning_content, then a tool call whose arguments arrive in pieces; content null with the role.
        yield return new DialectCase("llamacpp-reasoning-tool-call", "llama.cpp server with --jinja (b6881)",
            "ggml-org/llama.cpp common/chat.cpp common_chat_msg_diff_to_json_oaicompat() and to_json_oaicompat(); first chunks captured (gpt-oss:120b, b6881)",
            Json("""{"choices":[{"finish_reason":"tool_calls","index":0,"message":{"role":"assistant","reasoning_content":"We","content":null,"tool_calls":[{"type":"function","function":{"name":"read_file","arguments":"{\"filename\":\"a.txt\"}"},"id":"Xq3lS0fXK9v2bLw1pQe7tZrA"}]}}],"created":1762593253,"model":"gpt-oss:120b","system_fingerprint":"b6881-8b11deea4","object":"chat.completion","usage":{"completion_tokens":20,"prompt_tokens":100,"total_tokens":120},"id":"chatcmpl-DHvcEyFobkuV4Xu1QSYo4bqNv18TDqaA","timings":{"prompt_n":100,"prompt_ms":20.5,"predicted_n":20,"predicted_ms":80.1}}"""),
            Sse("""{"choices":[{"finish_reason":null,"index":0,"delta":{"role":"assistant","content":null}}],"created":1762593253,"id":"chatcmpl-DHvcEyFobkuV4Xu1QSYo4bqNv18TDqaA","model":"gpt-oss:120b","system_fingerprint":"b6881-8b11deea4","object":"chat.completion.chunk"}""",
                """{"choices":[{"finish_reason":null,"index":0,"delta":{"reasoning_content":"We"}}],"created":1762593253,"id":"chatcmpl-DHvcEyFobkuV4Xu1QSYo4bqNv18TDqaA","model":"gpt-oss:120b","system_fingerprint":"b6881-8b11deea4","object":"chat.completion.chunk"}""",
                """{"choices":[{"finish_reason":null,"index":0,"delta":{"tool_calls":[{"index":0,"id":"Xq3lS0fXK9v2bLw1pQe7tZrA","type":"function","function":{"name":"read_file","arguments":"{"}}]}}],"created":1762593253,"id":"chatcmpl-DHvcEyFobkuV4Xu1QSYo4bqNv18TDqaA","model":"gpt-oss:120b","system_fingerprint":"b6881-8b11deea4","object":"chat.completion.chunk"}""",
                """{"choices":[{"finish_reason":null,"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"filename\":\"a.txt\"}"}}]}}],"created":1762593253,"id":"chatcmpl-DHvcEyFobkuV4Xu1QSYo4bqNv18TDqaA","model":"gpt-oss:120b","system_fingerprint":"b6881-8b11deea4","object":"chat.completion.chunk"}""",
                """{"choices":[{"finish_reason":"tool_calls","index":0,"delta":{}}],"created":1762593253,"id":"chatcmpl-DHvcEyFobkuV4Xu1QSYo4bqNv18TDqaA","model":"gpt-oss:120b","system_fingerprint":"b6881-8b11deea4","object":"chat.completion.chunk"}""",
                "[DONE]"),
            new DialectOutcome
            {
                Reasoning = "We",
                FinishReason = "tool_calls",
                ToolCalls = [new("Xq3lS0fXK9v2bLw1pQe7tZrA", "read_file", """{"filename":"a.txt"}""")],
            });

        // ---- Usage wherever a server puts it -------------------------------------------------------------

        // Groq: usage only under x_groq, with float timing fields; created and fingerprint change mid-stream.
        yield return new DialectCase("groq-x-groq-usage", "Groq",
            "vercel/ai packages/groq/src/groq-chat-language-model.test.ts ('should stream tool call that is sent in one chunk'); plain: groqChatResponseFixture in a Go decoder test (TestOpenAIChatResponseAcceptsGroqExecutionMetadata)",
            Json("""{"id":"chatcmpl-groq","object":"chat.completion","created":7,"model":"openai/gpt-oss-20b","choices":[{"index":0,"logprobs":null,"finish_reason":"stop","message":{"role":"assistant","content":"ok","reasoning":"short"}}],"usage":{"queue_time":0.037,"prompt_tokens":18,"prompt_time":0.0007,"completion_tokens":5,"completion_time":0.46,"total_tokens":23,"total_time":0.46},"system_fingerprint":"fp_179b0f92c9","x_groq":{"id":"req_01jbd6g2qdfw2adyrt2az8hz4w"},"service_tier":"on_demand","usage_breakdown":null}"""),
            Sse("""{"id":"chatcmpl-e7f8e220-656c-4455-a132-dacfc1370798","object":"chat.completion.chunk","created":1711357598,"model":"gemma2-9b-it","system_fingerprint":"fp_3bc1b5746c","choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_O17Uplv4lJvD6DVdIvFFeRMw","type":"function","function":{"name":"test-tool","arguments":"{\"value\":\"Sparkle Day\"}"}}]},"finish_reason":null}],"x_groq":{"id":"req_01jadadp0femyae9kav1gpkhe8"}}""",
                """{"id":"chatcmpl-e7f8e220-656c-4455-a132-dacfc1370798","object":"chat.completion.chunk","created":1729171479,"model":"gemma2-9b-it","system_fingerprint":"fp_10c08bf97d","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}],"x_groq":{"id":"req_01jadadp0femyae9kav1gpkhe8","usage":{"queue_time":0.061348671,"prompt_tokens":18,"prompt_time":0.000211569,"completion_tokens":439,"completion_time":0.798181818,"total_tokens":457,"total_time":0.798393387}}}""",
                "[DONE]"),
            new DialectOutcome
            {
                FinishReason = "tool_calls",
                Usage = new(18, 439, 457),
                ToolCalls = [new("call_O17Uplv4lJvD6DVdIvFFeRMw", "test-tool", """{"value":"Sparkle Day"}""")],
            })
        { ExpectPlain = new DialectOutcome { Text = "ok", Reasoning = "short", FinishReason = "stop", Usage = new(18, 5, 23) } };

        // OpenAI: obfuscation padding, usage null until a last chunk with no choices, cached and reasoning details.
        yield return new DialectCase("openai-usage-chunk-details", "OpenAI",
            "Captured OpenAI stream (\"obfuscation\":\"uSpCcO\") in a Rust transformer test; usage details from real non-stream captures; plain: an OpenAI-shaped fixture (gpt-4.1-nano) with refusal null and annotations",
            Json("""{"id":"chatcmpl-synthetic-json","object":"chat.completion","created":1790000000,"model":"gpt-4.1-nano","choices":[{"index":0,"message":{"role":"assistant","content":"Hello","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":1200,"completion_tokens":2,"total_tokens":1202,"prompt_tokens_details":{"cached_tokens":1024,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},"service_tier":"default","system_fingerprint":"fp_synthetic"}"""),
            Sse("""{"id":"chatcmpl-Cgx6pZPBgfLcMqfT0ILIH2mID2zWQ","object":"chat.completion.chunk","created":1764353027,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_7eeb46f068","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":"uSpCcO"}""",
                """{"id":"chatcmpl-Cgx6pZPBgfLcMqfT0ILIH2mID2zWQ","object":"chat.completion.chunk","created":1764353027,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_7eeb46f068","choices":[{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":"q3"}""",
                """{"id":"chatcmpl-Cgx6pZPBgfLcMqfT0ILIH2mID2zWQ","object":"chat.completion.chunk","created":1764353027,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_7eeb46f068","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null,"obfuscation":"V0a"}""",
                """{"id":"chatcmpl-Cgx6pZPBgfLcMqfT0ILIH2mID2zWQ","object":"chat.completion.chunk","created":1764353027,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_7eeb46f068","choices":[],"usage":{"prompt_tokens":1200,"completion_tokens":2,"total_tokens":1202,"prompt_tokens_details":{"cached_tokens":1024,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},"obfuscation":"Ab"}""",
                "[DONE]"),
            new DialectOutcome { Text = "Hello", FinishReason = "stop", Usage = new(1200, 2, 1202, Cached: 1024) });

        // vLLM continuous usage stats: cumulative usage on every chunk, an integer stop_reason.
        yield return new DialectCase("vllm-continuous-usage", "vLLM 0.6 with continuous_usage_stats",
            "discourse/discourse-ai spec/lib/completions/endpoints/vllm_spec.rb ('can properly include usage in streaming mode', captured); vllm chat_completion_stream_generator()",
            Json("""{"id":"chat-b183bb5829194e8891cacceabfdb5274","object":"chat.completion","created":1731295402,"model":"meta-llama/Meta-Llama-3.1-70B-Instruct","choices":[{"index":0,"message":{"role":"assistant","content":"Hello","tool_calls":[]},"logprobs":null,"finish_reason":"stop","stop_reason":128009}],"usage":{"prompt_tokens":46,"total_tokens":48,"completion_tokens":2},"prompt_logprobs":null}"""),
            Sse("""{"id":"chat-b183bb5829194e8891cacceabfdb5274","object":"chat.completion.chunk","created":1731295402,"model":"meta-llama/Meta-Llama-3.1-70B-Instruct","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}],"usage":{"prompt_tokens":46,"total_tokens":46,"completion_tokens":0}}""",
                """{"id":"chat-b183bb5829194e8891cacceabfdb5274","object":"chat.completion.chunk","created":1731295402,"model":"meta-llama/Meta-Llama-3.1-70B-Instruct","choices":[{"index":0,"delta":{"content":"Hel"},"logprobs":null,"finish_reason":null}],"usage":{"prompt_tokens":46,"total_tokens":47,"completion_tokens":1}}""",
                """{"id":"chat-b183bb5829194e8891cacceabfdb5274","object":"chat.completion.chunk","created":1731295402,"model":"meta-llama/Meta-Llama-3.1-70B-Instruct","choices":[{"index":0,"delta":{"content":"lo"},"logprobs":null,"finish_reason":"stop","stop_reason":128009}],"usage":{"prompt_tokens":46,"total_tokens":48,"completion_tokens":2}}""",
                """{"id":"chat-b183bb5829194e8891cacceabfdb5274","object":"chat.completion.chunk","created":1731295402,"model":"meta-llama/Meta-Llama-3.1-70B-Instruct","choices":[],"usage":{"prompt_tokens":46,"total_tokens":48,"completion_tokens":2}}""",
                "[DONE]"),
            new DialectOutcome { Text = "Hello", FinishReason = "stop", Usage = new(46, 2, 48) });

        // llama.cpp (current): usage on a last chunk with no choices, cached tokens, timings beside it.
        yield return new DialectCase("llamacpp-usage-chunk-cached", "llama.cpp server (b9251)",
            "ggml-org/llama.cpp to_json_oaicompat_chat_stream() (include_usage: choices [] last chunk); capture quoted in a shell script comment (b9251)",
            Json("""{"choices":[{"finish_reason":"stop","index":0,"message":{"role":"assistant","content":"Hello"}}],"created":1779349198,"model":"Qwen3.5-9B-Q4_K_M.gguf","system_fingerprint":"b9251-e2b129e1b","object":"chat.completion","usage":{"completion_tokens":665,"prompt_tokens":808,"total_tokens":1473,"prompt_tokens_details":{"cached_tokens":804}},"id":"chatcmpl-nFCxRKKHfmmnVXEHbeKtPcEqHXBZvQCr","timings":{"cache_n":804,"prompt_n":4,"prompt_ms":128.301,"predicted_n":665,"predicted_ms":20629.211}}"""),
            Sse("""{"choices":[{"finish_reason":null,"index":0,"delta":{"role":"assistant","content":null}}],"created":1779349198,"id":"chatcmpl-nFCxRKKHfmmnVXEHbeKtPcEqHXBZvQCr","model":"Qwen3.5-9B-Q4_K_M.gguf","system_fingerprint":"b9251-e2b129e1b","object":"chat.completion.chunk"}""",
                """{"choices":[{"finish_reason":null,"index":0,"delta":{"content":"Hello"}}],"created":1779349198,"id":"chatcmpl-nFCxRKKHfmmnVXEHbeKtPcEqHXBZvQCr","model":"Qwen3.5-9B-Q4_K_M.gguf","system_fingerprint":"b9251-e2b129e1b","object":"chat.completion.chunk"}""",
                """{"choices":[{"finish_reason":"stop","index":0,"delta":{}}],"created":1779349198,"id":"chatcmpl-nFCxRKKHfmmnVXEHbeKtPcEqHXBZvQCr","model":"Qwen3.5-9B-Q4_K_M.gguf","system_fingerprint":"b9251-e2b129e1b","object":"chat.completion.chunk"}""",
                """{"choices":[],"created":1779349198,"id":"chatcmpl-nFCxRKKHfmmnVXEHbeKtPcEqHXBZvQCr","model":"Qwen3.5-9B-Q4_K_M.gguf","system_fingerprint":"b9251-e2b129e1b","object":"chat.completion.chunk","usage":{"completion_tokens":665,"prompt_tokens":808,"total_tokens":1473,"prompt_tokens_details":{"cached_tokens":804}},"timings":{"cache_n":804,"prompt_n":4,"prompt_ms":128.301,"prompt_per_token_ms":32.07525,"prompt_per_second":31.17668607415375,"predicted_n":665,"predicted_ms":20629.211,"predicted_per_token_ms":31.02,"predicted_per_second":32.2}}""",
                "[DONE]"),
            new DialectOutcome { Text = "Hello", FinishReason = "stop", Usage = new(808, 665, 1473, Cached: 804) });

        // llama.cpp before include_usage: usage (and timings) on the finish chunk itself.
        yield return new DialectCase("llamacpp-usage-on-finish-chunk", "llama.cpp server (b6097)",
            "Captured stream tail (gpt-oss:20b via llama-server, system_fingerprint b6097-9515c613)",
            Json("""{"choices":[{"finish_reason":"stop","index":0,"message":{"role":"assistant","content":"Hello"}}],"created":1754524122,"model":"gpt-oss:20b","system_fingerprint":"b6097-9515c613","object":"chat.completion","usage":{"completion_tokens":247,"prompt_tokens":1085,"total_tokens":1332},"id":"chatcmpl-yPk7z9nC22CofOlh100qQdHVEDMNYCb1"}"""),
            Sse("""{"choices":[{"finish_reason":null,"index":0,"delta":{"content":"Hello"}}],"created":1754524122,"id":"chatcmpl-yPk7z9nC22CofOlh100qQdHVEDMNYCb1","model":"gpt-oss:20b","system_fingerprint":"b6097-9515c613","object":"chat.completion.chunk"}""",
                """{"choices":[{"finish_reason":"stop","index":0,"delta":{}}],"created":1754524122,"id":"chatcmpl-yPk7z9nC22CofOlh100qQdHVEDMNYCb1","model":"gpt-oss:20b","system_fingerprint":"b6097-9515c613","object":"chat.completion.chunk","usage":{"completion_tokens":247,"prompt_tokens":1085,"total_tokens":1332},"timings":{"prompt_n":1085,"prompt_ms":203.378,"prompt_per_token_ms":0.18744516129032257,"prompt_per_second":5334.893646313762,"predicted_n":247,"predicted_ms":933.63,"predicted_per_token_ms":3.7798785425101213,"predicted_per_second":264.5587652496171}}""",
                "[DONE]"),
            new DialectOutcome { Text = "Hello", FinishReason = "stop", Usage = new(1085, 247, 1332) });

        // Azure OpenAI: a first chunk with no choices that only carries prompt filter results, obfuscation, alphabetical keys.
        yield return new DialectCase("azure-prompt-filter-first-chunk", "Azure OpenAI",
            "prompt_filter_results chunk quoted in microsoft/vscode-copilot-chat stream tests; second chunk from an ADR observation log (\"obfuscation\":\"U99lN\"); usage chunk and plain body per the Azure schema (illustrative)",
            Json("""{"choices":[{"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}},"finish_reason":"stop","index":0,"logprobs":null,"message":{"annotations":[],"content":"Hello","refusal":null,"role":"assistant"}}],"created":1788254279,"id":"chatcmpl-EJEutqAFspAZFB7NOhd08tRyVah11","model":"gpt-4.1-mini-2025-04-14","object":"chat.completion","prompt_filter_results":[{"prompt_index":0,"content_filter_results":{"hate":{"filtered":false,"severity":"safe"}}}],"system_fingerprint":"fp_51ebab882d","usage":{"completion_tokens":2,"prompt_tokens":9,"total_tokens":11}}"""),
            Sse("""{"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[{"prompt_index":0,"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}}}]}""",
                """{"choices":[{"content_filter_results":{},"delta":{"content":"","refusal":null,"role":"assistant"},"finish_reason":null,"index":0,"logprobs":null}],"created":1788254279,"id":"chatcmpl-EJEutqAFspAZFB7NOhd08tRyVah11","model":"gpt-4.1-mini-2025-04-14","obfuscation":"U99lN","object":"chat.completion.chunk","system_fingerprint":"fp_51ebab882d","usage":null}""",
                """{"choices":[{"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}},"delta":{"content":"Hello"},"finish_reason":null,"index":0,"logprobs":null}],"created":1788254279,"id":"chatcmpl-EJEutqAFspAZFB7NOhd08tRyVah11","model":"gpt-4.1-mini-2025-04-14","obfuscation":"x9","object":"chat.completion.chunk","system_fingerprint":"fp_51ebab882d","usage":null}""",
                """{"choices":[{"content_filter_results":{},"delta":{},"finish_reason":"stop","index":0,"logprobs":null}],"created":1788254279,"id":"chatcmpl-EJEutqAFspAZFB7NOhd08tRyVah11","model":"gpt-4.1-mini-2025-04-14","obfuscation":"Qw","object":"chat.completion.chunk","system_fingerprint":"fp_51ebab882d","usage":null}""",
                """{"choices":[],"created":1788254279,"id":"chatcmpl-EJEutqAFspAZFB7NOhd08tRyVah11","model":"gpt-4.1-mini-2025-04-14","object":"chat.completion.chunk","system_fingerprint":"fp_51ebab882d","usage":{"completion_tokens":2,"completion_tokens_details":{"accepted_prediction_tokens":0,"audio_tokens":0,"reasoning_tokens":0,"rejected_prediction_tokens":0},"prompt_tokens":9,"prompt_tokens_details":{"audio_tokens":0,"cached_tokens":0},"total_tokens":11}}""",
                "[DONE]"),
            new DialectOutcome { Text = "Hello", FinishReason = "stop", Usage = new(9, 2, 11) });

        // ---- Bytes on the wire --------------------------------------------------------------------------

        // A byte-order mark before the body (old proxies, PowerShell 5.1-hosted mocks); a defensive case.
        yield return new DialectCase("utf8-bom", "A proxy or mock that writes a UTF-8 BOM",
            "No LLM server found doing it (research note); BOMs in JSON bodies reported for old proxies in fastify/secure-json-parse PR #5 and forwardemail/superagent #1249; bytes illustrative",
            Json("""{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"Hello"},"finish_reason":"stop"}]}""") with { Prefix = [0xEF, 0xBB, 0xBF] },
            Sse("""{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Hello"},"finish_reason":null}]}""",
                """{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""",
                "[DONE]") with { Prefix = [0xEF, 0xBB, 0xBF] },
            new DialectOutcome { Text = "Hello", FinishReason = "stop" });

        // data: without the space (Spring WebFlux, LongCat, iflow), vendor top-level extras, data:[DONE].
        yield return new DialectCase("sse-data-without-space", "LongCat API (Meituan); Spring WebFlux proxies",
            "davidmigloz/langchain_dart issue #778 (first LongCat chunk quoted); openai/openai-python issue #498 and PR #559; second chunk illustrative",
            Json("""{"id":"dcbb5851-5eed-4ae8-b90f-050b6cae3b3e","object":"chat.completion","created":1759222019,"model":"LongCat-Flash-Chat","choices":[{"message":{"role":"assistant","content":"Hello","function_call":null},"index":0,"finish_reason":"stop","logprobs":null}],"content":"Hello","lastOne":true}"""),
            RawSse("data:{\"id\":\"dcbb5851-5eed-4ae8-b90f-050b6cae3b3e\",\"object\":\"chat.completion.chunk\",\"created\":1759222019,\"model\":\"LongCat-Flash-Chat\",\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"Hello\",\"function_call\":null},\"index\":0,\"finish_reason\":null,\"logprobs\":null}],\"content\":\"Hello\",\"lastOne\":false}\n\n"
                 + "data:{\"id\":\"dcbb5851-5eed-4ae8-b90f-050b6cae3b3e\",\"object\":\"chat.completion.chunk\",\"created\":1759222019,\"model\":\"LongCat-Flash-Chat\",\"choices\":[{\"delta\":{\"content\":\"\"},\"index\":0,\"finish_reason\":\"stop\",\"logprobs\":null}],\"content\":\"\",\"lastOne\":true}\n\n"
                 + "data:[DONE]\n\n"),
            new DialectOutcome { Text = "Hello", FinishReason = "stop" });

        // CRLF line ends with sse-starlette's ping comments, written three bytes at a time so a CRLF is split between reads.
        yield return new DialectCase("sse-crlf-ping-split-reads", "FastAPI servers on sse-starlette (default CRLF separator)",
            "sse-starlette EventSourceResponse._ping() (\": ping - <timestamp>\" every 15 s, sep CRLF); hey-api issue #3054; farion1231/cc-switch #1787 (0d0a0d0a capture); zotero-pdf-translate PR #806 (events split across reads)",
            Json("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello\"},\"finish_reason\":\"stop\"}]}\r\n"),
            RawSse("data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}]}\r\n\r\n"
                 + ": ping - 2025-06-01 12:00:15.123456+00:00\r\n\r\n"
                 + "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":null}]}\r\n\r\n"
                 + "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\r\n\r\n"
                 + "data: [DONE]\r\n\r\n", pieceSize: 3),
            new DialectOutcome { Text = "Hello", FinishReason = "stop" });

        // DeepSeek under load: blank lines before a plain body, ": keep-alive" comments before a stream.
        yield return new DialectCase("deepseek-keepalive", "DeepSeek API under load",
            "DeepSeek docs 'Rate Limit' (\"Non-streaming requests: Continuously return empty lines; Streaming requests: Continuously return SSE keep-alive comments (: keep-alive)\")",
            Json("\n\n\n{\"id\":\"d1\",\"object\":\"chat.completion\",\"created\":1735689600,\"model\":\"deepseek-chat\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello\"},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1,\"total_tokens\":6,\"prompt_tokens_details\":{\"cached_tokens\":0},\"prompt_cache_hit_tokens\":0,\"prompt_cache_miss_tokens\":5},\"system_fingerprint\":\"fp_8333852bec_prod0820_fp8_kvcache\"}"),
            RawSse(": keep-alive\n\n: keep-alive\n\n"
                 + "data: {\"id\":\"d2\",\"object\":\"chat.completion.chunk\",\"created\":1735689600,\"model\":\"deepseek-chat\",\"system_fingerprint\":\"fp_8333852bec_prod0820_fp8_kvcache\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hello\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n"
                 + "data: {\"id\":\"d2\",\"object\":\"chat.completion.chunk\",\"created\":1735689600,\"model\":\"deepseek-chat\",\"system_fingerprint\":\"fp_8333852bec_prod0820_fp8_kvcache\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1,\"total_tokens\":6,\"prompt_tokens_details\":{\"cached_tokens\":0},\"prompt_cache_hit_tokens\":0,\"prompt_cache_miss_tokens\":5}}\n\n"
                 + "data: [DONE]\n\n"),
            new DialectOutcome { Text = "Hello", FinishReason = "stop", Usage = new(5, 1, 6) });

        // An event split over several data lines, with event: and id: lines (both legal SSE, which parsers must join and skip).
        yield return new DialectCase("sse-multiline-data-event-id", "SSE as the specification allows it",
            "WHATWG HTML 'Server-sent events' (data lines joined by LF; event, id and retry fields); lobehub's re-encoding with id:/event: lines quoted in the research notes; bytes illustrative",
            Json("""
            {"id":"chatcmpl-1",
             "object":"chat.completion","created":1,"model":"m",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Hello"},"finish_reason":"stop"}]}
            """),
            RawSse("id: 1\nevent: message\ndata: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\ndata: \"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\ndata: \"delta\":{\"content\":\"Hello\"},\"finish_reason\":null}]}\n\n"
                 + "retry: 1000\nid: 2\ndata: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
                 + "data: [DONE]\n\n"),
            new DialectOutcome { Text = "Hello", FinishReason = "stop" });

        // Multi-byte characters written two bytes at a time, so that characters are split between reads.
        yield return new DialectCase("multibyte-split-reads", "Any server, over a slow link",
            "Yi (01.AI) API splitting events across reads, reported in windingwind/zotero-pdf-translate PR #806; bytes illustrative",
            Json("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"héllo 日本語 🦉\"},\"finish_reason\":\"stop\"}]}") with { PieceSize = 2 },
            RawSse("data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"héllo \"},\"finish_reason\":null}]}\n\n"
                 + "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"日本語 🦉\"},\"finish_reason\":\"stop\"}]}\n\n"
                 + "data: [DONE]\n\n", pieceSize: 2),
            new DialectOutcome { Text = "héllo 日本語 🦉", FinishReason = "stop" });

        // A one-megabyte frame (a long answer in one chunk, as Gemini sends very large deltas).
        var big = new string('x', 1024 * 1024);
        yield return new DialectCase("one-megabyte-frame", "Gemini OpenAI-compatible endpoint (very large deltas)",
            "jakobdylanc/llmcord issue #84 (\"very large content deltas\"); size chosen to cross every buffer; bytes illustrative",
            Json("{\"id\":\"x\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + big + "\"},\"finish_reason\":\"stop\"}]}"),
            Sse("{\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + big + "\"},\"finish_reason\":\"stop\"}]}", "[DONE]"),
            new DialectOutcome { Text = big, FinishReason = "stop" });

        // A server that ignores "stream": true and answers with one JSON completion.
        yield return new DialectCase("stream-ignored-json-answer", "Mocks and gateways that ignore \"stream\"",
            "tinyhumansai/tinyagents PR #56 (\"parse a non-SSE JSON body as one completion ... when upstream ignores stream:true\"); microsoft/foundry-dev-tools #195",
            Json("""{"id":"chatcmpl-9","object":"chat.completion","created":1735689600,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"Hello"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}"""),
            Json("""{"id":"chatcmpl-9","object":"chat.completion","created":1735689600,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"Hello"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}"""),
            new DialectOutcome { Text = "Hello", FinishReason = "stop", Usage = new(5, 1, 6) });

        // mini-sglang answers every request as a stream; a router glues "data: [DONE]" after a JSON body.
        yield return new DialectCase("plain-answered-as-stream", "mini-sglang; 9router",
            "sgl-project/mini-sglang issue #51 (bytes quoted: SSE whatever \"stream\" says, object text_completion.chunk, no finish chunk); decolua/9router #3492 (JSON body followed by data: [DONE])",
            RawSse("data: {\"id\":\"cmpl-1\",\"object\":\"text_completion.chunk\",\"choices\":[{\"delta\":{\"content\":\"Hello\"},\"index\":0,\"finish_reason\":null}]}\n\ndata: [DONE]\n\n"),
            new DialectWire("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello\"},\"finish_reason\":\"stop\"}]}\ndata: [DONE]\n", ContentType: "text/event-stream"),
            // [DONE] without a finish reason: complete, reason unknown.
            new DialectOutcome { Text = "Hello", FinishReason = "" })
        { ExpectStream = new DialectOutcome { Text = "Hello", FinishReason = "stop" } };

        // ---- Honest endings: errors inside the stream, streams that stop short ------------------------------

        // vLLM: an error frame after the first chunk, then [DONE] anyway.
        yield return new DialectCase("vllm-error-frame-then-done", "vLLM (HTTP 200 already sent)",
            "vllm chat_completion/serving.py chat_completion_stream_generator() (create_streaming_error_response, then \"data: [DONE]\"); vllm-project/guidellm issue #743",
            Json("""{"error": {"message": "Internal server error", "type": "InternalServerError", "param": null, "code": 500}}"""),
            Sse("""{"id":"chatcmpl-44","object":"chat.completion.chunk","created":1770000000,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"},"logprobs":null,"finish_reason":null}]}""",
                """{"error": {"message": "Internal server error", "type": "InternalServerError", "param": null, "code": 500}}""",
                "[DONE]"),
            DialectOutcome.Failure("LlmServerError", "Internal server error", partial: "Hel"))
        { ExpectPlain = DialectOutcome.Failure("LlmServerError", "Internal server error", partial: "") };

        // OpenAI: an error object as a data frame, and the connection closes without [DONE].
        yield return new DialectCase("openai-midstream-error", "OpenAI",
            "coder/aibridge fixtures/openai/chatcompletions/stream_error.txtar (captured); openai-python's SSE decoder raises APIError on a data object with an error key",
            Json("""{"error": {"message": "The server had an error while processing your request. Sorry about that!", "type": "server_error"}}"""),
            Sse("""{"id":"chatcmpl-BwoiPTGRbKkY5rncfaM0s9KtWrq5N","object":"chat.completion.chunk","created":1753357673,"model":"gpt-4.1-2025-04-14","service_tier":"default","system_fingerprint":"fp_51e1070cf2","choices":[{"index":0,"delta":{"content":"The"},"logprobs":null,"finish_reason":null}],"usage":null}""",
                """{"error": {"message": "The server had an error while processing your request. Sorry about that!", "type": "server_error"}}"""),
            DialectOutcome.Failure("LlmServerError", "The server had an error while processing your request", partial: "The"))
        { ExpectPlain = DialectOutcome.Failure("LlmServerError", "The server had an error while processing your request", partial: "") };

        // OpenRouter: the unified mid-stream error, finish_reason "error" beside an error object.
        yield return new DialectCase("openrouter-finish-reason-error", "OpenRouter (error after tokens were sent)",
            "OpenRouter docs 'Handling Errors During Streaming' (event quoted); openrouter.ai/docs/errors; vercel/ai PR #2720",
            Json("""{"id":"cmpl-abc123","object":"chat.completion","created":1234567890,"model":"gpt-3.5-turbo","provider":"openai","choices":[{"index":0,"message":{"role":"assistant","content":"Partial"},"finish_reason":"error"}]}"""),
            Sse("""{"id":"cmpl-abc123","object":"chat.completion.chunk","created":1234567890,"model":"gpt-3.5-turbo","provider":"openai","choices":[{"index":0,"delta":{"content":"Partial"},"finish_reason":null}]}""",
                """{"id":"cmpl-abc123","object":"chat.completion.chunk","created":1234567890,"model":"gpt-3.5-turbo","provider":"openai","error":{"code":"server_error","message":"Provider disconnected unexpectedly"},"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}]}"""),
            DialectOutcome.Failure("LlmServerError", "Provider disconnected unexpectedly", partial: "Partial"))
        { ExpectPlain = DialectOutcome.Failure("LlmServerError", "finish reason 'error'", partial: "") };

        // Groq: "event: error" with the error in its data.
        yield return new DialectCase("groq-event-error", "Groq (mid-stream errors)",
            "sashabaranov/go-openai PR #1057, test TestStreamReaderParsesErrorEvents (bytes quoted); groq-python PR #119",
            Json("""{"error":{"message":"Invalid tool_call: tool \"name_unknown\" does not exist.","type":"invalid_request_error","code":"invalid_tool_call"}}"""),
            RawSse("data: {\"id\":\"chatcmpl-g\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"llama-3.3-70b-versatile\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Let\"},\"finish_reason\":null}],\"x_groq\":{\"id\":\"req_1\"}}\n\n"
                 + "event: error\ndata: {\"error\":{\"message\":\"Invalid tool_call: tool \\\"name_unknown\\\" does not exist.\",\"type\":\"invalid_request_error\",\"code\":\"invalid_tool_call\"}}\n\n"),
            DialectOutcome.Failure("LlmServerError", "invalid_tool_call", partial: "Let"))
        { ExpectPlain = DialectOutcome.Failure("LlmServerError", "invalid_tool_call", partial: "") };

        // Older llama.cpp: an SSE field *named* error (not data), then [DONE].
        yield return new DialectCase("llamacpp-error-field-line", "llama.cpp server (2024 - late 2025)",
            "old examples/server/server.cpp server_sent_event(sink, \"error\", ...) then ev_done; utils.hpp format_error_response(); a client test asserting the 'error: {...}' SSE line",
            Json("""{"error":{"code":500,"message":"Input prompt is too big compared to KV size. Please try increasing KV size.","type":"server_error"}}"""),
            RawSse("data: {\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null}}],\"created\":1730000000,\"id\":\"chatcmpl-abc\",\"model\":\"m\",\"object\":\"chat.completion.chunk\"}\n\n"
                 + "error: {\"code\":500,\"message\":\"Input prompt is too big compared to KV size. Please try increasing KV size.\",\"type\":\"server_error\"}\n\n"
                 + "data: [DONE]\n\n"),
            DialectOutcome.Failure("LlmServerError", "Input prompt is too big", partial: ""));

        // Current llama.cpp: a data frame with an error after some text, and no [DONE].
        yield return new DialectCase("llamacpp-data-error-no-done", "llama.cpp server (after PR #16486)",
            "ggml-org/llama.cpp server-context.cpp handle_completions_impl (format_oai_sse({{\"error\", res_json}}); return false // terminate on error)",
            Json("""{"error":{"code":400,"message":"request (9016 tokens) exceeds the available context size (4096 tokens), try increasing it","type":"exceed_context_size_error","n_prompt_tokens":9016,"n_ctx":4096}}"""),
            Sse("""{"choices":[{"finish_reason":null,"index":0,"delta":{"content":"Hel"}}],"created":1770000000,"id":"chatcmpl-x","model":"m","system_fingerprint":"b7000-aaaaaaaa","object":"chat.completion.chunk"}""",
                """{"error":{"code":500,"message":"slot crashed","type":"server_error"}}"""),
            DialectOutcome.Failure("LlmServerError", "slot crashed", partial: "Hel"))
        { ExpectPlain = DialectOutcome.Failure("LlmBadRequest", "exceeds the available context size", partial: "") };

        // Gemini's native stream through a gateway: a pretty-printed JSON error with no "data:" prefix.
        yield return new DialectCase("bare-json-error-in-stream", "Gateway passing Gemini native streamGenerateContent through",
            "diegosouzapw/OmniRoute issue #4177 (provider stream quoted); googleapis/js-genai #1973",
            Json("""
            [{
              "error": {
                "code": 503,
                "message": "This model is currently experiencing high demand. Spikes in demand are usually temporary. Please try again later.",
                "status": "UNAVAILABLE"
              }
            }
            ]
            """),
            RawSse("data: {\"choices\":[{\"delta\":{\"content\":\"The user\",\"role\":\"assistant\"},\"index\":0}],\"model\":\"gemini-2.5-pro\",\"object\":\"chat.completion.chunk\"}\n\n"
                 + "{\n  \"error\": {\n    \"code\": 503,\n    \"message\": \"This model is currently experiencing high demand. Spikes in demand are usually temporary. Please try again later.\",\n    \"status\": \"UNAVAILABLE\"\n  }\n}\n"),
            DialectOutcome.Failure("LlmServerError", "high demand", partial: "The user"))
        { ExpectPlain = DialectOutcome.Failure("LlmServerError", "high demand", partial: "") };

        // Ollama: a runner error becomes an empty chunk, then the connection closes: no finish, no [DONE].
        yield return new DialectCase("ollama-stream-ends-short", "Ollama (runner failure mid-stream)",
            "ollama/ollama server/routes.go streamResponse() and middleware/openai.go ChatWriter.Write()/writeResponse() (inferred from the code); the plain variant is a body cut off mid-JSON",
            Json("""{"id":"chatcmpl-9","object":"chat.completion","created":1735689600,"model":"llama3.2","choices":[{"index":0,"message":{"role":"assistant","content":"Hel"""),
            Sse("""{"id":"chatcmpl-9","object":"chat.completion.chunk","created":1735689600,"model":"llama3.2","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"},"finish_reason":null}]}""",
                """{"id":"chatcmpl-9","object":"chat.completion.chunk","created":1735689601,"model":"","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}"""),
            DialectOutcome.Failure("LlmIncompleteResponse", "no finish reason", partial: "Hel"))
        { ExpectPlain = DialectOutcome.Failure("LlmInvalidResponse", "not a chat completion", partial: "") };

        // A proxy's HTML error page with status 200.
        yield return new DialectCase("html-page-200", "A captive portal or misconfigured proxy",
            "Client issues where a proxy answered 200 with HTML (e.g. tinyhumansai/tinyagents PR #56 review: servers that mislabel content); page illustrative",
            new DialectWire("<!DOCTYPE html>\n<html><head><title>Access Denied - Corporate Proxy</title></head><body><h1>Access Denied</h1><p>Policy blocks this site.</p></body></html>\n", ContentType: "text/html"),
            new DialectWire("<!DOCTYPE html>\n<html><head><title>Access Denied - Corporate Proxy</title></head><body><h1>Access Denied</h1><p>Policy blocks this site.</p></body></html>\n", ContentType: "text/html"),
            DialectOutcome.Failure("LlmInvalidResponse", "\"Access Denied - Corporate Proxy\""));

        // A completion with an empty choices list (a filtered prompt on some gateways).
        yield return new DialectCase("empty-choices", "Gateways after a filtered prompt",
            "Azure's first chunk shape (choices: []) as a whole answer; reported by clients as \"Index was out of range\"; bytes illustrative",
            Json("""{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":0,"total_tokens":5}}"""),
            Sse("""{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":0,"total_tokens":5}}""", "[DONE]"),
            DialectOutcome.Failure("LlmInvalidResponse", "choice"));

        // ---- Errors as servers shape them --------------------------------------------------------------

        // Gemini's compatibility endpoint wraps its errors in a JSON list.
        yield return new DialectCase("gemini-error-array-400", "Gemini OpenAI-compatible endpoint",
            "discuss.ai.google.dev 'OpenAI API compatibility broken due to thought_signature on gemini-3-pro-preview' (body quoted); Simpleyyt/ai-manus issue #101",
            Json("""
            [{
              "error": {
                "code": 400,
                "message": "Function call is missing a thought_signature in functionCall parts.",
                "status": "INVALID_ARGUMENT"
              }
            }
            ]
            """, status: 400),
            Json("""
            [{
              "error": {
                "code": 400,
                "message": "Function call is missing a thought_signature in functionCall parts.",
                "status": "INVALID_ARGUMENT"
              }
            }
            ]
            """, status: 400),
            DialectOutcome.Failure("LlmBadRequest", "missing a thought_signature"));

        // Older vLLM, SGLang, FastChat: the error object at the top, without an "error" envelope.
        yield return new DialectCase("flat-error-object-400", "vLLM < 0.10, SGLang, FastChat",
            "old vllm/entrypoints/openai/protocol.py class ErrorResponse(object=\"error\", message, type, param, code); same class in SGLang protocol.py",
            Json("""{"object":"error","message":"This model's maximum context length is 4096 tokens. However, you requested 5000 tokens (1000 in the messages, 4000 in the completion). Please reduce the length of the messages or completion.","type":"BadRequestError","param":null,"code":400}""", status: 400),
            Json("""{"object":"error","message":"This model's maximum context length is 4096 tokens. However, you requested 5000 tokens (1000 in the messages, 4000 in the completion). Please reduce the length of the messages or completion.","type":"BadRequestError","param":null,"code":400}""", status: 400),
            DialectOutcome.Failure("LlmBadRequest", "maximum context length is 4096 tokens"));

        // LM Studio (and Ollama's native API through proxies): the error as a bare string.
        yield return new DialectCase("lmstudio-error-string-400", "LM Studio",
            "OpenAI-compatibility report for LM Studio (\"HTTP 400 but no error object: {\\\"error\\\":\\\"'messages' field is required\\\"}\")",
            Json("""{"error":"'messages' field is required"}""", status: 400),
            Json("""{"error":"'response_format.type' must be 'json_schema' or 'text'"}""", status: 400),
            DialectOutcome.Failure("LlmBadRequest", "field is required"))
        { ExpectStream = DialectOutcome.Failure("LlmBadRequest", "must be 'json_schema' or 'text'") };

        // Azure: a filtered prompt is a 400 with code content_filter; a filtered answer a 200 without content.
        yield return new DialectCase("azure-content-filter", "Azure OpenAI",
            "400 body quoted verbatim from vercel/ai test fixtures; 200 shape per Azure OpenAI content-filtering docs (field order illustrative)",
            Json("""{"choices":[{"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":true,"severity":"medium"},"violence":{"filtered":false,"severity":"safe"}},"finish_reason":"content_filter","index":0,"message":{"role":"assistant"}}],"created":1735689600,"id":"chatcmpl-A1b2","model":"gpt-4o-2024-08-06","object":"chat.completion","prompt_filter_results":[{"prompt_index":0,"content_filter_results":{"hate":{"filtered":false,"severity":"safe"}}}],"usage":{"completion_tokens":12,"prompt_tokens":9,"total_tokens":21}}"""),
            Json("""{"error":{"message":"The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry. To learn more about our content filtering policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766","type":null,"param":"prompt","code":"content_filter","status":400,"innererror":{"code":"ResponsibleAIPolicyViolation","content_filter_result":{"hate":{"filtered":false,"severity":"safe"},"jailbreak":{"detected":true,"filtered":true}}}}}""", status: 400),
            new DialectOutcome { Text = "", FinishReason = "content_filter", Usage = new(9, 12, 21) })
        { ExpectStream = DialectOutcome.Failure("LlmBadRequest", "content management policy") };

        // Ollama: a JSON error (not an event stream) before the first byte of a stream.
        yield return new DialectCase("ollama-error-before-stream", "Ollama",
            "ollama/ollama openai/openai.go NewError(); middleware/openai.go BaseWriter.writeError() (application/json even for stream: true)",
            Json("{\"error\":{\"message\":\"model \\\"llama9\\\" not found, try pulling it first\",\"type\":\"not_found_error\",\"param\":null,\"code\":null}}\n", status: 404),
            Json("{\"error\":{\"message\":\"model \\\"llama9\\\" not found, try pulling it first\",\"type\":\"not_found_error\",\"param\":null,\"code\":null}}\n", status: 404),
            DialectOutcome.Failure("LlmModelNotFound", "try pulling it first"));
    }
}
