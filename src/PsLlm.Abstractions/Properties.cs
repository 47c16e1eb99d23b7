using System.Runtime.CompilerServices;

// The engine reads the credential and keeps its SDK client on LlmClient; nothing else may.
[assembly: InternalsVisibleTo("PsLlm.Engine")]
[assembly: InternalsVisibleTo("PsLlm")]
[assembly: InternalsVisibleTo("PsLlm.Engine.Tests")]
[assembly: InternalsVisibleTo("PsLlm.Tests")]
