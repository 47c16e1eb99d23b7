using Xunit;

namespace PsLlm.Engine.Tests;

/// <summary>
/// The telemetry tests run one after another: an exporting handler's TracerProvider exports every
/// "PsLlm" span in the process, so another telemetry test's spans must not be in flight meanwhile.
/// </summary>
[CollectionDefinition(Name)]
public sealed class TelemetryCollection
{
    public const string Name = "Telemetry";
}
