using System.Management.Automation;

namespace PsLlm.Delivery;

/// <summary>
/// Writes what an async handler kept to a command's streams, as Receive-Job does for a job: a
/// scriptblock handler's output, errors, warnings, information, verbose and debug records in the
/// order they were written; a compiled handler's failures as errors.
/// </summary>
internal static class AsyncHandlerOutput
{
    /// <summary>The async handler behind <paramref name="handler"/> (registrations wrap theirs to filter events), or null.</summary>
    public static AsyncCallbackHandler? Of(CallbackHandler handler) =>
        (handler is EventFilterHandler filter ? filter.Inner : handler) as AsyncCallbackHandler;

    /// <param name="cmdlet">The command to write through (on its pipeline thread).</param>
    /// <param name="handler">The handler whose records are written.</param>
    /// <param name="keep">Leave them with the handler, to be received again.</param>
    /// <param name="writeOutput">Write output objects too (Receive-LlmCallback); a command's -Callback discards them, as for synchronous scriptblocks.</param>
    public static void Write(Cmdlet cmdlet, AsyncCallbackHandler handler, bool keep, bool writeOutput)
    {
        if (handler is ScriptBlockAsyncHandler scripted)
        {
            // Its failures are among its records, as the errors the scriptblock wrote or threw.
            if (!keep) handler.TakeFailures();
            foreach (var record in scripted.TakeRecords(keep))
            {
                switch (record)
                {
                    case ErrorRecord error: cmdlet.WriteError(error); break;
                    case WarningRecord warning: cmdlet.WriteWarning(warning.Message); break;
                    case InformationRecord information: cmdlet.WriteInformation(information); break;
                    case VerboseRecord verbose: cmdlet.WriteVerbose(verbose.Message); break;
                    case DebugRecord debug: cmdlet.WriteDebug(debug.Message); break;
                    default: if (writeOutput) cmdlet.WriteObject(record); break;
                }
            }
            return;
        }
        foreach (var failure in keep ? handler.Failures : handler.TakeFailures())
        {
            var record = new ErrorRecord(failure.Exception, "LlmAsyncCallbackFailed", ErrorCategory.NotSpecified, failure.Event)
            {
                ErrorDetails = new ErrorDetails(failure.ToString()),
            };
            cmdlet.WriteError(record);
        }
    }
}
