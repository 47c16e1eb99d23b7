using System.Runtime.CompilerServices;

// The engine reads a client's credential and stamps and raises the events of the runs it makes;
// the module marks the default client. Nothing else may do either.
[assembly: InternalsVisibleTo("PsLlm.Engine")]
[assembly: InternalsVisibleTo("PsLlm")]
[assembly: InternalsVisibleTo("PsLlm.Engine.Tests")]
[assembly: InternalsVisibleTo("PsLlm.Tests")]
[assembly: InternalsVisibleTo("PsLlm.Benchmarks")]
