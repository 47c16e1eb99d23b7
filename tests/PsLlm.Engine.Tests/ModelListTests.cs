using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using PsLlm.Engine.Wire;
using PsLlm.FakeOpenAI;
using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>
/// Models lists as servers write them (shapes from the servers' own code and API references:
/// Ollama openai/openai.go, llama.cpp server-context.cpp, vLLM protocol.py, LM Studio, Groq,
/// OpenRouter, Mistral, Anthropic, Together, DeepSeek), read into LlmModel, and asked over HTTP.
/// </summary>
public sealed class ModelListTests : FakeServerTestBase
{
    private const string Endpoint = "http://127.0.0.1:1/v1";

    private static IReadOnlyList<LlmModel> Read(string json) => ModelListJson.Read(BinaryData.FromString(json), Endpoint).Models;

    [Fact]
    public void OpenAIs_list_gives_id_owner_and_creation_time()
    {
        var model = Assert.Single(Read("""{"object":"list","data":[{"id":"gpt-4o-mini","object":"model","created":1721172741,"owned_by":"system","shutdown_date":null}]}"""));
        Assert.Equal("gpt-4o-mini", model.Id);
        Assert.Equal("system", model.OwnedBy);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1721172741), model.Created);
        Assert.Null(model.ContextLength);
        Assert.Equal(Endpoint, model.Endpoint);
    }

    [Fact]
    public void Ollama_with_nothing_installed_answers_data_null_which_is_an_empty_list() =>
        Assert.Empty(Read("""{"object":"list","data":null}"""));

    [Fact]
    public void Ollama_names_models_with_their_tag() =>
        Assert.Equal("llama3.2:latest", Assert.Single(Read("""{"object":"list","data":[{"id":"llama3.2:latest","object":"model","created":1686935002,"owned_by":"library"}]}""")).Id);

    [Fact]
    public void LlamaCpp_sends_both_conventions_and_keeps_the_context_in_meta()
    {
        var model = Assert.Single(Read("""
            {"models":[{"name":"qwen2.5-0.5b","model":"qwen2.5-0.5b","modified_at":"","size":"","digest":"","type":"model"}],
             "object":"list",
             "data":[{"id":"qwen2.5-0.5b","aliases":["qwen2.5-0.5b"],"tags":[],"object":"model","created":1767225600,"owned_by":"llamacpp",
                      "meta":{"vocab_type":2,"n_vocab":151936,"n_ctx":4096,"n_ctx_train":32768}}]}
            """));
        Assert.Equal("qwen2.5-0.5b", model.Id);
        Assert.Equal(32768, model.ContextLength);
    }

    [Fact]
    public void VLLM_gives_max_model_len_and_null_for_an_adapter()
    {
        var models = Read("""
            {"object":"list","data":[
              {"id":"meta-llama/Llama-3.1-8B-Instruct","object":"model","created":1733000000,"owned_by":"vllm","root":"meta-llama/Llama-3.1-8B-Instruct","parent":null,"max_model_len":8192,"permission":[{"id":"modelperm-1","object":"model_permission"}]},
              {"id":"sql-lora","object":"model","created":1733000000,"owned_by":"vllm","root":"/adapters/sql","parent":"meta-llama/Llama-3.1-8B-Instruct","max_model_len":null,"permission":[]}]}
            """);
        Assert.Equal(new int?[] { 8192, null }, models.Select(m => m.ContextLength));
    }

    [Fact]
    public void LMStudio_and_DeepSeek_leave_out_created() =>
        Assert.Null(Assert.Single(Read("""{"object":"list","data":[{"id":"deepseek-chat","object":"model","owned_by":"deepseek"}]}""")).Created);

    [Fact]
    public void LMStudio_answers_an_unknown_route_with_200_and_an_error() =>
        Assert.Equal("Unexpected endpoint or method. (GET /v1/modelz)", ModelListJson.Read(BinaryData.FromString("""{"error":"Unexpected endpoint or method. (GET /v1/modelz)"}"""), Endpoint).Error);

    [Fact]
    public void Groq_Mistral_and_OpenRouter_name_the_context_window_each_their_way()
    {
        Assert.Equal(131072, Assert.Single(Read("""{"object":"list","data":[{"id":"llama-3.1-8b-instant","object":"model","created":1693721698,"owned_by":"Meta","active":true,"context_window":131072,"public_apps":null}]}""")).ContextLength);
        Assert.Equal(32768, Assert.Single(Read("""{"object":"list","data":[{"id":"mistral-small-latest","object":"model","created":1711929600,"owned_by":"mistralai","capabilities":{"completion_chat":true},"max_context_length":32768,"aliases":[]}]}""")).ContextLength);
        // OpenRouter: no "object" anywhere, no owned_by; a readable name.
        var router = Assert.Single(Read("""{"data":[{"id":"openai/gpt-4o-mini","canonical_slug":"openai/gpt-4o-mini","name":"OpenAI: GPT-4o-mini","created":1721260800,"context_length":128000,"pricing":{"prompt":"0.00000015"}}]}"""));
        Assert.Equal(("OpenAI: GPT-4o-mini", 128000, (string?)null), (router.DisplayName, router.ContextLength!.Value, router.OwnedBy));
    }

    [Fact]
    public void Anthropic_gives_an_ISO_time_a_display_name_and_pages()
    {
        var page = ModelListJson.Read(BinaryData.FromString("""
            {"data":[{"type":"model","id":"claude-sonnet-4-5-20250929","display_name":"Claude Sonnet 4.5","created_at":"2025-09-29T00:00:00Z"}],
             "has_more":true,"first_id":"claude-sonnet-4-5-20250929","last_id":"claude-sonnet-4-5-20250929"}
            """), Endpoint);
        var model = Assert.Single(page.Models);
        Assert.Equal("Claude Sonnet 4.5", model.DisplayName);
        Assert.Equal(new DateTimeOffset(2025, 9, 29, 0, 0, 0, TimeSpan.Zero), model.Created);
        Assert.Equal("claude-sonnet-4-5-20250929", page.NextAfterId);
    }

    [Fact]
    public void Together_answers_a_bare_array() =>
        Assert.Equal(new[] { "meta-llama/Llama-3.3-70B-Instruct-Turbo" }, Read("""[{"id":"meta-llama/Llama-3.3-70B-Instruct-Turbo","object":"model","created":1733461628,"type":"chat","display_name":"Llama 3.3 70B","context_length":131072}]""").Select(m => m.Id));

    [Fact]
    public void Entries_without_an_id_are_skipped() =>
        Assert.Equal(new[] { "kept" }, Read("""{"data":[{"object":"model"},{"id":""},{"id":"kept"},"not an object"]}""").Select(m => m.Id));

    [Fact]
    public void Asked_over_HTTP_with_the_client_key()
    {
        var models = ChatEngine.ListModels(ChatHarness.Client(Server), CancellationToken.None);
        Assert.Equal("fake-model", Assert.Single(models).Id);
        var request = Assert.Single(Server.Requests);
        Assert.Equal(("GET", "/v1/models"), (request.Method, request.Path));
        Assert.Equal($"Bearer {ChatHarness.ApiKey}", request.Headers["Authorization"]);
    }

    [Fact]
    public void A_server_without_a_models_list_says_so()
    {
        Server.ModelsAnswer = new ModelsAnswer(404, JsonValue.Create("404 page not found"));
        var error = Assert.Throws<LlmException>(() => ChatEngine.ListModels(ChatHarness.Client(Server), CancellationToken.None));
        Assert.Equal(("LlmModelListUnavailable", LlmErrorKind.NotFound, 404), (error.ErrorId, error.Kind, error.StatusCode!.Value));
        Assert.Contains(Server.BaseUrl, error.Message);
    }

    [Fact]
    public void A_rejected_key_is_an_authentication_failure_without_the_key()
    {
        Server.ModelsAnswer = new ModelsAnswer(401, new JsonObject { ["error"] = new JsonObject { ["message"] = $"Incorrect API key provided: {ChatHarness.ApiKey}.", ["type"] = "invalid_request_error", ["code"] = "invalid_api_key" } });
        var error = Assert.Throws<LlmException>(() => ChatEngine.ListModels(ChatHarness.Client(Server), CancellationToken.None));
        Assert.Equal("LlmAuthenticationFailed", error.ErrorId);
        Assert.DoesNotContain(ChatHarness.ApiKey, error.Message);
    }

    [Fact]
    public async Task Pages_are_followed_until_the_server_has_no_more()
    {
        var asked = new List<string>();
        var (app, port) = await LoopbackHost.StartAsync(async context =>
        {
            asked.Add(context.Request.QueryString.Value ?? string.Empty);
            var after = context.Request.Query["after_id"].ToString();
            var body = after.Length == 0
                ? """{"data":[{"type":"model","id":"claude-a","display_name":"A","created_at":"2025-01-01T00:00:00Z"}],"has_more":true,"last_id":"claude-a"}"""
                : """{"data":[{"type":"model","id":"claude-b","display_name":"B","created_at":"2025-02-01T00:00:00Z"}],"has_more":false,"last_id":"claude-b"}""";
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(body);
        });
        await using (app)
        {
            var client = new LlmClient(new Uri($"http://127.0.0.1:{port}/v1"), apiKey: null, model: "m");
            var models = ChatEngine.ListModels(client, CancellationToken.None);
            Assert.Equal(new[] { "claude-a", "claude-b" }, models.Select(m => m.Id));
            Assert.Equal(new[] { "", "?limit=1000&after_id=claude-a" }, asked);
        }
    }
}
