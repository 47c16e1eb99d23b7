using System.Text.Json.Nodes;

namespace PsLlm.FakeOpenAI;

/// <summary>The fake server's answer to <c>GET /v1/models</c>: a status, a JSON body and a delay before it.</summary>
public sealed record ModelsAnswer(int Status, JsonNode Body, int DelayMs = 0)
{
    /// <summary>OpenAI's shape with one model, "fake-model".</summary>
    public static ModelsAnswer Default { get; } = new(200, new JsonObject
    {
        ["object"] = "list",
        ["data"] = new JsonArray(new JsonObject { ["id"] = "fake-model", ["object"] = "model", ["created"] = 1715367049, ["owned_by"] = "psllm" }),
    });
}
