using PsLlm.Engine.Observability.Telemetry;
using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>How New-LlmOtelHandler's export settings resolve: explicit values, OTEL_* variables, OTLP defaults.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class TelemetrySettingsTests
{
    private static readonly string[] Variables =
    {
        OtlpExportSettings.EndpointVariable, OtlpExportSettings.ProtocolVariable, OtlpExportSettings.ServiceNameVariable,
    };

    private static T WithEnvironment<T>(IReadOnlyDictionary<string, string?> values, Func<T> body)
    {
        var saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
        try
        {
            foreach (var name in Variables) Environment.SetEnvironmentVariable(name, values.GetValueOrDefault(name));
            return body();
        }
        finally
        {
            foreach (var (name, value) in saved) Environment.SetEnvironmentVariable(name, value);
        }
    }

    [Fact]
    public void DefaultsAreTheOtlpPortsAndPsLlm()
    {
        var (http, grpc) = WithEnvironment(new Dictionary<string, string?>(), () =>
            (OtlpExportSettings.Resolve(null, null, null, null), OtlpExportSettings.Resolve(null, OtlpTransport.Grpc, null, null)));
        Assert.Equal(new Uri("http://localhost:4318"), http.Endpoint);
        Assert.Equal(OtlpTransport.HttpProtobuf, http.Transport);
        Assert.Equal(new Uri("http://localhost:4318/v1/traces"), http.SignalEndpoint("traces"));
        Assert.Equal(new Uri("http://localhost:4318/v1/metrics"), http.SignalEndpoint("metrics"));
        Assert.Equal("PsLlm", http.ServiceName);
        Assert.Equal(new Uri("http://localhost:4317"), grpc.Endpoint);
        Assert.Equal(grpc.Endpoint, grpc.SignalEndpoint("traces"));
    }

    [Fact]
    public void TheStandardVariablesApplyWhenNothingIsGiven()
    {
        var env = new Dictionary<string, string?>
        {
            [OtlpExportSettings.EndpointVariable] = "http://collector:4317",
            [OtlpExportSettings.ProtocolVariable] = "grpc",
            [OtlpExportSettings.ServiceNameVariable] = "nightly-report",
        };
        var (fromEnvironment, explicitOnes) = WithEnvironment(env, () =>
            (OtlpExportSettings.Resolve(null, null, null, null),
             OtlpExportSettings.Resolve("https://otel.example.com/base/", OtlpTransport.HttpProtobuf, null, "mine")));
        Assert.Equal((new Uri("http://collector:4317"), OtlpTransport.Grpc, "nightly-report"), (fromEnvironment.Endpoint, fromEnvironment.Transport, fromEnvironment.ServiceName));
        Assert.Equal(new Uri("https://otel.example.com/base/v1/traces"), explicitOnes.SignalEndpoint("traces"));
        Assert.Equal("mine", explicitOnes.ServiceName);
    }

    [Fact]
    public void UnsupportedProtocolVariableMeansHttpProtobuf()
    {
        var settings = WithEnvironment(new Dictionary<string, string?> { [OtlpExportSettings.ProtocolVariable] = "http/json" },
            () => OtlpExportSettings.Resolve(null, null, null, null));
        Assert.Equal(OtlpTransport.HttpProtobuf, settings.Transport);
    }

    [Theory]
    [InlineData("http://localhost:4318/v1/traces", "http://localhost:4318/v1/traces")]
    [InlineData("http://localhost:4318/v1/metrics/", "http://localhost:4318/v1/traces")]
    [InlineData("http://localhost:4318", "http://localhost:4318/v1/traces")]
    public void ASignalUrlIsTakenAsItsBase(string given, string traces) =>
        Assert.Equal(new Uri(traces), OtlpExportSettings.Resolve(given, OtlpTransport.HttpProtobuf, null, null).SignalEndpoint("traces"));

    [Theory]
    [InlineData("localhost:4318")]
    [InlineData("ftp://collector")]
    [InlineData("http://user:secret@collector:4318")]
    public void BadEndpointsAreRejected(string endpoint)
    {
        var error = Assert.Throws<LlmException>(() => OtlpExportSettings.Resolve(endpoint, null, null, null));
        Assert.Equal(("LlmInvalidEndpoint", "Endpoint"), (error.ErrorId, error.ParameterName));
        Assert.DoesNotContain("secret", error.Message);
    }

    [Fact]
    public void HeaderValuesStayOutOfTheDescription()
    {
        var settings = OtlpExportSettings.Resolve("http://localhost:4318", null, new Dictionary<string, string> { ["Authorization"] = "Bearer SECRET-123" }, null);
        Assert.DoesNotContain("SECRET", settings.ToString());
        Assert.Throws<LlmException>(() => OtlpExportSettings.Resolve(null, null, new Dictionary<string, string> { ["bad name"] = "x" }, null));
    }
}
