using System.Management.Automation;
using PsLlm.Engine;
using PsLlm.Tools;

namespace PsLlm.Tests;

/// <summary>Reading a command's parameters into a tool's schema, and running the command for the model.</summary>
public sealed class CommandToolTests : IDisposable
{
    private readonly PowerShellSession _session = new();

    public CommandToolTests()
    {
        _session.Run("""
            function global:Set-Widget {
                <#
                .SYNOPSIS
                Sets a widget.
                .PARAMETER Name
                The widget's name.
                #>
                [CmdletBinding(DefaultParameterSetName = 'ByName', SupportsShouldProcess, ConfirmImpact = 'Medium')]
                param(
                    [Parameter(Mandatory, ParameterSetName = 'ByName')] [string] $Name,
                    [Parameter(Mandatory, ParameterSetName = 'ById')] [int] $Id,
                    [ValidateSet('Red', 'Green')] [string] $Color,
                    [ValidateRange('Positive')] [int] $Size,
                    [switch] $Force,
                    [int[]] $Ids,
                    [Parameter(DontShow)] [string] $Hidden
                )
                if ($Name -eq 'bad') { Write-Error 'no such widget' }
                "$($PSCmdlet.ParameterSetName) $Name $Color $Size $($Force.IsPresent)"
            }
            """);
    }

    private CommandInfo Command(string name) => _session.RunScalar<CommandInfo>($"Get-Command {name}");

    [Fact]
    public void Parameters_become_specs_with_types_sets_and_help()
    {
        var reading = _session.OnRunspace(() => ToolParameterReader.Read(Command("Set-Widget"), null, null));
        var specs = reading.Parameters.ToDictionary(p => p.Name);
        // The default set's parameters first, then those only another set has.
        Assert.Equal(["Name", "Color", "Size", "Force", "Ids", "Id"], reading.Parameters.Select(p => p.Name));
        Assert.Equal("The widget's name.", specs["Name"].Description);
        // Required in one set only: the model may use either set.
        Assert.False(specs["Name"].Required);
        Assert.Equal(ToolValueKind.Integer, specs["Id"].Kind);
        Assert.Equal(["Red", "Green"], specs["Color"].AllowedValues);
        Assert.Equal(1, specs["Size"].Minimum);
        Assert.Equal(ToolValueKind.Boolean, specs["Force"].Kind);
        Assert.Equal((ToolValueKind.Array, ToolValueKind.Integer), (specs["Ids"].Kind, specs["Ids"].ItemKind));
        Assert.Equal(["Force"], reading.Switches);
        Assert.Equal(["ByName", "ById"], reading.Sets.Select(s => s.Name));
        Assert.Equal("Sets a widget.", reading.Synopsis);
        Assert.True(reading.TakesCommonParameters);
        Assert.True(reading.TakesConfirm);
    }

    [Fact]
    public void A_parameter_set_narrows_what_is_offered_and_required()
    {
        var reading = _session.OnRunspace(() => ToolParameterReader.Read(Command("Set-Widget"), "ById", null));
        Assert.DoesNotContain(reading.Parameters, p => p.Name == "Name");
        Assert.True(reading.Parameters.Single(p => p.Name == "Id").Required);
    }

    [Fact]
    public void A_cmdlet_has_no_common_parameters_in_its_schema_and_its_synopsis_from_help()
    {
        var reading = _session.OnRunspace(() => ToolParameterReader.Read(Command("Get-Date"), null, ["Format", "Date"]));
        Assert.Equal(["Date", "Format"], reading.Parameters.Select(p => p.Name).Order());
        Assert.DoesNotContain(reading.Parameters, p => Cmdlet.CommonParameters.Contains(p.Name));
    }

    [Fact]
    public void Invoke_runs_the_command_with_the_models_arguments()
    {
        var tool = NewTool("Set-Widget");
        var text = _session.OnRunspace(() => tool.Invoke(new Dictionary<string, object?> { ["name"] = "w1", ["Color"] = "Red", ["Force"] = true, ["Size"] = 3L }));
        Assert.Equal("ByName w1 Red 3 True", text);
    }

    [Fact]
    public void Errors_the_command_writes_follow_its_output()
    {
        var tool = NewTool("Set-Widget");
        var text = _session.OnRunspace(() => tool.Invoke(new Dictionary<string, object?> { ["Name"] = "bad" }));
        Assert.StartsWith("ByName bad", text);
        Assert.Contains("\nErrors: no such widget", text);
    }

    [Fact]
    public void Arguments_no_parameter_set_takes_are_refused_before_anything_runs()
    {
        var tool = NewTool("Set-Widget");
        var error = Assert.Throws<ToolArgumentException>(() => _session.OnRunspace(() => { tool.CheckArguments(new Dictionary<string, object?> { ["Name"] = "a", ["Id"] = 1L }); return 0; }));
        Assert.Contains("cannot be used together", error.Message);
        var missing = Assert.Throws<ToolArgumentException>(() => _session.OnRunspace(() => { tool.CheckArguments(new Dictionary<string, object?> { ["Color"] = "Red" }); return 0; }));
        Assert.Contains("give Name, or Id", missing.Message);
    }

    [Fact]
    public void Objects_come_back_as_compact_json_and_long_output_is_cut()
    {
        var objects = NewScriptTool("{ [pscustomobject]@{ a = 1; b = 'x' } }");
        Assert.Equal("{\"a\":1,\"b\":\"x\"}", _session.OnRunspace(() => objects.Invoke(new Dictionary<string, object?>())));
        var nothing = NewScriptTool("{ }");
        Assert.Equal(CommandTool.NoOutput, _session.OnRunspace(() => nothing.Invoke(new Dictionary<string, object?>())));
        var flood = NewScriptTool("{ 'x' * 50000 }");
        var text = _session.OnRunspace(() => flood.Invoke(new Dictionary<string, object?>()));
        Assert.Equal(ToolRules.MaxOutputCharacters, text.Length);
        Assert.EndsWith("characters]", text);
    }

    [Fact]
    public void Commands_that_change_things_need_approval()
    {
        Assert.True(CommandTool.NeedsApproval(Command("Set-Widget")));
        Assert.True(CommandTool.NeedsApproval(Command("Remove-Item")));
        Assert.False(CommandTool.NeedsApproval(Command("Get-Date")));
    }

    private CommandTool NewTool(string command) =>
        (CommandTool)_session.RunScalar<LlmTool>($"New-LlmTool -Command {command}");

    private CommandTool NewScriptTool(string block) =>
        (CommandTool)_session.RunScalar<LlmTool>($"New-LlmTool -Name t -Description d -ScriptBlock {block}");

    public void Dispose() => _session.Dispose();
}
