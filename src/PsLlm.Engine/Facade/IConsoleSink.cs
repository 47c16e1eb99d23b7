namespace PsLlm.Engine;

/// <summary>
/// Where <see cref="BuiltInHandlers.Console"/> writes: the PowerShell host in the module, a string buffer in
/// tests. Keeps the engine free of PowerShell; the sink decides whether colours can be shown.
/// </summary>
public interface IConsoleSink
{
    /// <summary>Writes <paramref name="text"/> as is (no line break added); <paramref name="color"/> null is the host's default colour.</summary>
    void Write(string text, ConsoleColor? color = null);
}
