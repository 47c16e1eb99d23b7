namespace PsLlm.Engine;

/// <summary>The JSON type a tool parameter takes; PowerShell types are mapped onto these.</summary>
public enum ToolValueKind
{
    /// <summary>Text.</summary>
    String,
    /// <summary>A whole number.</summary>
    Integer,
    /// <summary>Any number.</summary>
    Number,
    /// <summary>true or false (a switch).</summary>
    Boolean,
    /// <summary>A list; <see cref="ToolParameterSpec.ItemKind"/> says of what.</summary>
    Array,
    /// <summary>A free-form object (a hashtable). Strict mode sends it as JSON text instead.</summary>
    Object,
}
