#requires -Version 7.4
<#
.SYNOPSIS
    Compiles PsLlm's cmdlet help (PsLlm.dll-Help.xml, MAML) from the one place it is written: the
    C# doc comments of the cmdlet classes, together with what the cmdlets really are.
.DESCRIPTION
    The prose comes from the compiler's documentation file (PsLlm.xml): a cmdlet class's <summary>
    is the synopsis, <remarks> the description, <input>, <output> and <notes> the sections of those
    names, each <example title="…"> an example (its <code> and <para>s), and <parameter name="…">
    the text of a parameter the class does not declare itself (-WhatIf, -Confirm). A parameter
    property's <summary> is the parameter's description and its <value> the default shown. An
    example's <setup> and needs="…" are for tests/Pester/Help.Tests.ps1 (the state it assumes, or
    why it cannot run there) and are not shown.

    Everything else comes from the loaded cmdlets, never from the comments: the parameter sets,
    and for each parameter its type, whether it is mandatory, its position, pipeline binding,
    aliases and wildcard support. So the syntax cannot drift from the code; tests/Pester/Help.Tests.ps1
    checks the compiled help against the cmdlets all the same, and runs the examples.

    A cmdlet or parameter without a description fails the build, as does a comment that describes
    a parameter the cmdlet does not have.
.PARAMETER ModulePath
    The built module's folder (out/PsLlm); the help is written to its en-US folder.
.PARAMETER DocumentationFile
    The compiler's documentation file for PsLlm.dll.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $DocumentationFile
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$Maml = 'http://schemas.microsoft.com/maml/2004/10'
$Command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$Dev = 'http://schemas.microsoft.com/maml/dev/2004/10'
$StandardText = @{
    WhatIf  = 'Shows what would happen if the cmdlet runs. The cmdlet is not run.'
    Confirm = 'Prompts you for confirmation before running the cmdlet.'
}

$module = Import-Module (Join-Path $ModulePath 'PsLlm.psd1') -PassThru -Force
$docs = @{}
foreach ($member in ([xml](Get-Content $DocumentationFile -Raw)).doc.members.member) { $docs[$member.name] = $member }
$problems = [System.Collections.Generic.List[string]]::new()

# The text of a doc element as paragraphs: each <para> is one, loose text around them another;
# line breaks inside a paragraph are the comment's wrapping, not the author's.
function Get-Paragraph([System.Xml.XmlElement] $Element) {
    if (-not $Element) { return }
    $loose = [System.Text.StringBuilder]::new()
    foreach ($node in $Element.ChildNodes) {
        if ($node -is [System.Xml.XmlElement] -and $node.LocalName -eq 'para') {
            if ($loose.ToString().Trim()) { ($loose.ToString() -replace '\s+', ' ').Trim() }
            $null = $loose.Clear()
            ($node.InnerText -replace '\s+', ' ').Trim()
        }
        elseif ($node -is [System.Xml.XmlElement]) { }   # <code>, and an example's <setup> for the tests
        else { $null = $loose.Append($node.InnerText) }
    }
    if ($loose.ToString().Trim()) { ($loose.ToString() -replace '\s+', ' ').Trim() }
}

# The code of an example as written: the comment's common indentation removed, nothing else.
function Get-Code([System.Xml.XmlElement] $Element) {
    $lines = $Element.InnerText -split '\r?\n'
    while ($lines.Count -and -not $lines[0].Trim()) { $lines = @($lines | Select-Object -Skip 1) }
    while ($lines.Count -and -not $lines[-1].Trim()) { $lines = @($lines | Select-Object -SkipLast 1) }
    $indent = ($lines | Where-Object { $_.Trim() } | ForEach-Object { $_.Length - $_.TrimStart().Length } | Measure-Object -Minimum).Minimum
    ($lines | ForEach-Object { if ($_.Length -ge $indent) { $_.Substring($indent) } else { $_.TrimStart() } }) -join "`n"
}

# How help shows a type: the element type of Nullable<T>, then the short name PowerShell users
# write ([string[]] shows as String[]).
function Get-TypeName([type] $Type, [switch] $Full) {
    if ($Type.IsGenericType -and $Type.GetGenericTypeDefinition() -eq [Nullable`1]) { $Type = $Type.GenericTypeArguments[0] }
    if ($Full) { $Type.FullName } else { $Type.Name }
}

function Get-PipelineInput([System.Management.Automation.ParameterMetadata] $Parameter, [string] $SetName) {
    $attributes = $Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and ($_.ParameterSetName -eq $SetName -or $_.ParameterSetName -eq '__AllParameterSets' -or -not $SetName) }
    $byValue = [bool]($attributes | Where-Object ValueFromPipeline)
    $byName = [bool]($attributes | Where-Object ValueFromPipelineByPropertyName)
    if ($byValue -and $byName) { 'True (ByValue, ByPropertyName)' } elseif ($byValue) { 'True (ByValue)' } elseif ($byName) { 'True (ByPropertyName)' } else { 'False' }
}

function Write-Paragraphs([System.Xml.XmlWriter] $Writer, [string[]] $Paragraphs) {
    foreach ($text in $Paragraphs) { $Writer.WriteElementString('maml', 'para', $Maml, $text) }
}

function Write-Parameter([System.Xml.XmlWriter] $Writer, $Cmdlet, [string] $Name, [type] $Type, [bool] $Required, [string] $Position, [string] $Pipeline, [bool] $InSyntax) {
    # DeclaredOnly: New-LlmTool's -ParameterSetName hides PSCmdlet's property of that name.
    $property = $Cmdlet.ImplementingType.GetProperty($Name, [System.Reflection.BindingFlags]'Public, Instance, DeclaredOnly')
    $doc = if ($property) { $docs["P:$($Cmdlet.ImplementingType.FullName).$Name"] }
    $commonText = $docs["T:$($Cmdlet.ImplementingType.FullName)"].SelectSingleNode("parameter[@name='$Name']")
    $description = @(if ($doc) { Get-Paragraph $doc['summary'] } elseif ($commonText) { Get-Paragraph $commonText } elseif ($StandardText[$Name]) { $StandardText[$Name] })
    if (-not $description) { $problems.Add("$($Cmdlet.Name) -$Name has no description (a <summary> on the property).") }
    $aliases = @($Cmdlet.Parameters[$Name].Aliases)
    $globbing = [bool]($property -and $property.GetCustomAttributes([System.Management.Automation.SupportsWildcardsAttribute], $true))
    $switch = $Type -eq [System.Management.Automation.SwitchParameter]

    $Writer.WriteStartElement('command', 'parameter', $Command)
    $Writer.WriteAttributeString('required', $Required.ToString().ToLowerInvariant())
    $Writer.WriteAttributeString('variableLength', 'true')
    $Writer.WriteAttributeString('globbing', $globbing.ToString().ToLowerInvariant())
    $Writer.WriteAttributeString('pipelineInput', $Pipeline)
    $Writer.WriteAttributeString('position', $Position)
    $Writer.WriteAttributeString('aliases', ($aliases.Count ? ($aliases -join ', ') : 'none'))
    $Writer.WriteElementString('maml', 'name', $Maml, $Name)
    $Writer.WriteStartElement('maml', 'description', $Maml); Write-Paragraphs $Writer $description; $Writer.WriteEndElement()
    if (-not $switch) {
        $Writer.WriteStartElement('command', 'parameterValue', $Command)
        $Writer.WriteAttributeString('required', 'true')
        $Writer.WriteAttributeString('variableLength', 'false')
        $Writer.WriteString((Get-TypeName $Type))
        $Writer.WriteEndElement()
    }
    $Writer.WriteStartElement('dev', 'type', $Dev)
    $Writer.WriteElementString('maml', 'name', $Maml, (Get-TypeName $Type -Full))
    $Writer.WriteEndElement()
    if (-not $InSyntax) {
        $default = if ($doc -and $doc['value']) { ($doc['value'].InnerText -replace '\s+', ' ').Trim() } elseif ($switch) { 'False' } else { 'None' }
        $Writer.WriteElementString('dev', 'defaultValue', $Dev, $default)
    }
    $Writer.WriteEndElement()
}

$common = [System.Management.Automation.PSCmdlet]::CommonParameters
$settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
$target = Join-Path $ModulePath 'en-US/PsLlm.dll-Help.xml'
$null = New-Item -ItemType Directory -Force (Split-Path $target)
$writer = [System.Xml.XmlWriter]::Create($target, $settings)
try {
    $writer.WriteStartDocument()
    $writer.WriteStartElement('helpItems', 'http://msh')
    $writer.WriteAttributeString('schema', 'maml')
    foreach ($name in $module.ExportedCmdlets.Keys | Sort-Object) {
        $cmdlet = Get-Command $name -Module PsLlm
        $type = $cmdlet.ImplementingType
        $doc = $docs["T:$($type.FullName)"]
        if (-not $doc) { $problems.Add("$name has no doc comment on $($type.FullName)."); continue }
        $parameters = @($cmdlet.Parameters.Values | Where-Object { $_.Name -notin $common })
        foreach ($described in $docs.Keys | Where-Object { $_ -like "P:$($type.FullName).*" }) {
            $property = $described.Substring("P:$($type.FullName).".Length)
            if ($property -notin $parameters.Name) { $problems.Add("$name documents -$property, which is not one of its parameters.") }
        }

        $writer.WriteStartElement('command', 'command', $Command)
        $writer.WriteAttributeString('xmlns', 'maml', $null, $Maml)
        $writer.WriteAttributeString('xmlns', 'dev', $null, $Dev)
        $writer.WriteStartElement('command', 'details', $Command)
        $writer.WriteElementString('command', 'name', $Command, $name)
        $writer.WriteElementString('command', 'verb', $Command, $cmdlet.Verb)
        $writer.WriteElementString('command', 'noun', $Command, $cmdlet.Noun)
        $synopsis = @(Get-Paragraph $doc['summary'])
        if (-not $synopsis) { $problems.Add("$name has no synopsis (<summary>).") }
        $writer.WriteStartElement('maml', 'description', $Maml); Write-Paragraphs $writer $synopsis; $writer.WriteEndElement()
        $writer.WriteEndElement()
        $writer.WriteStartElement('maml', 'description', $Maml); Write-Paragraphs $writer @(Get-Paragraph $doc['remarks']); $writer.WriteEndElement()

        # One syntax line per parameter set, the default set first, as Get-Command -Syntax orders them.
        $writer.WriteStartElement('command', 'syntax', $Command)
        foreach ($set in $cmdlet.ParameterSets | Sort-Object { -not $_.IsDefault }) {
            $writer.WriteStartElement('command', 'syntaxItem', $Command)
            $writer.WriteElementString('maml', 'name', $Maml, $name)
            # As Get-Command -Syntax lists them: by position, then the mandatory named ones, then the rest, in declaration order.
            $ordered = $set.Parameters | Where-Object { $_.Name -notin $common } |
                Sort-Object -Stable { if ($_.Position -ge 0) { $_.Position } elseif ($_.IsMandatory) { [int]::MaxValue - 1 } else { [int]::MaxValue } }
            foreach ($p in $ordered) {
                $position = if ($p.Position -ge 0) { "$($p.Position)" } else { 'named' }
                $pipeline = if ($p.ValueFromPipeline -and $p.ValueFromPipelineByPropertyName) { 'True (ByValue, ByPropertyName)' } elseif ($p.ValueFromPipeline) { 'True (ByValue)' } elseif ($p.ValueFromPipelineByPropertyName) { 'True (ByPropertyName)' } else { 'False' }
                Write-Parameter $writer $cmdlet $p.Name $p.ParameterType $p.IsMandatory $position $pipeline $true
            }
            $writer.WriteEndElement()
        }
        $writer.WriteEndElement()

        # The parameters section: mandatory and positioned as in every set that has them, or
        # "named" and optional where the sets differ (their syntax lines say which).
        $writer.WriteStartElement('command', 'parameters', $Command)
        foreach ($p in $parameters | Sort-Object Name) {
            $inSets = @($cmdlet.ParameterSets | ForEach-Object { $_.Parameters | Where-Object Name -EQ $p.Name })
            $required = -not ($inSets | Where-Object { -not $_.IsMandatory })
            $positions = @($inSets.Position | Sort-Object -Unique)
            $position = if ($positions.Count -eq 1 -and $positions[0] -ge 0) { "$($positions[0])" } else { 'named' }
            Write-Parameter $writer $cmdlet $p.Name $p.ParameterType $required $position (Get-PipelineInput $p $null) $false
        }
        $writer.WriteEndElement()

        foreach ($section in @{ Tag = 'input'; List = 'inputTypes'; Item = 'inputType' }, @{ Tag = 'output'; List = 'returnValues'; Item = 'returnValue' }) {
            $writer.WriteStartElement('command', $section.List, $Command)
            foreach ($entry in $doc.SelectNodes($section.Tag)) {
                $writer.WriteStartElement('command', $section.Item, $Command)
                $writer.WriteStartElement('dev', 'type', $Dev); $writer.WriteElementString('maml', 'name', $Maml, $entry.GetAttribute('type')); $writer.WriteEndElement()
                $writer.WriteStartElement('maml', 'description', $Maml); Write-Paragraphs $writer @(Get-Paragraph $entry); $writer.WriteEndElement()
                $writer.WriteEndElement()
            }
            $writer.WriteEndElement()
        }
        $notes = @(Get-Paragraph $doc['notes'])
        if ($notes) {
            $writer.WriteStartElement('maml', 'alertSet', $Maml)
            $writer.WriteStartElement('maml', 'alert', $Maml); Write-Paragraphs $writer $notes; $writer.WriteEndElement()
            $writer.WriteEndElement()
        }

        $writer.WriteStartElement('command', 'examples', $Command)
        $number = 0
        foreach ($example in $doc.SelectNodes('example')) {
            $number++
            $writer.WriteStartElement('command', 'example', $Command)
            $writer.WriteElementString('maml', 'title', $Maml, "---------- Example ${number}: $($example.GetAttribute('title')) ----------")
            $writer.WriteElementString('dev', 'code', $Dev, (Get-Code $example['code']))
            $writer.WriteStartElement('dev', 'remarks', $Dev); Write-Paragraphs $writer @(Get-Paragraph $example); $writer.WriteEndElement()
            $writer.WriteEndElement()
        }
        if ($number -eq 0) { $problems.Add("$name has no example.") }
        $writer.WriteEndElement()

        $writer.WriteStartElement('maml', 'relatedLinks', $Maml)
        $writer.WriteStartElement('maml', 'navigationLink', $Maml); $writer.WriteElementString('maml', 'linkText', $Maml, 'about_PsLlm'); $writer.WriteEndElement()
        $writer.WriteEndElement()
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()
    $writer.WriteEndDocument()
}
finally {
    $writer.Dispose()
}

if ($problems.Count) {
    throw "The cmdlet help is incomplete:`n  $($problems -join "`n  ")"
}
Write-Host "Help compiled from the doc comments: $($module.ExportedCmdlets.Count) cmdlets, $target"
