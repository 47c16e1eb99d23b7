namespace PsLlm;

/// <summary>What an <see cref="AsyncCallbackHandler"/> does with an event when its queue is full.</summary>
public enum AsyncOverflow
{
    /// <summary>The event is dropped and counted in <see cref="AsyncCallbackHandler.Dropped"/>; the chat never waits (the default).</summary>
    DropNewest,

    /// <summary>The chat waits until the handler has room: nothing is lost, but a slow handler slows the chat.</summary>
    Block,
}
