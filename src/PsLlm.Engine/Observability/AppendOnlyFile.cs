using System.ComponentModel;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace PsLlm.Engine.Observability;

/// <summary>
/// A file opened for appending the way log writers need it: every <see cref="Append"/> is one
/// write that the operating system places at the current end of the file, so writers in several
/// processes (and other tools appending with <c>&gt;&gt;</c>) interleave only between writes and a
/// crash never leaves part of one.
/// </summary>
/// <remarks>
/// .NET's <c>FileMode.Append</c> cannot do this: on Unix it opens without O_APPEND and writes at a
/// position it tracks itself (pwrite), so two processes overwrite each other's lines. Here the file
/// is opened with O_APPEND (Linux, macOS, FreeBSD) or with FILE_APPEND_DATA access only (Windows),
/// where the kernel makes each write land at the end. Elsewhere a FileStream that seeks to the end
/// before each write is used: safe between threads of this process, not between processes.
/// </remarks>
internal sealed class AppendOnlyFile : IDisposable
{
    private readonly SafeFileHandle? _handle;
    private readonly FileStream? _fallback;

    private AppendOnlyFile(SafeFileHandle? handle, FileStream? fallback)
    {
        _handle = handle;
        _fallback = fallback;
    }

    /// <summary>Opens (creating if needed) <paramref name="path"/> for appending; the folder must exist.</summary>
    public static AppendOnlyFile Open(string path)
    {
        if (OperatingSystem.IsWindows()) return new AppendOnlyFile(Windows.Open(path), null);
        if (Posix.Supported)
        {
            try
            {
                return new AppendOnlyFile(Posix.Open(path), null);
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
            {
                // No libc to call: fall through to the in-process-safe stream.
            }
        }
        return new AppendOnlyFile(null, new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0));
    }

    /// <summary>Appends <paramref name="data"/> with one write (a complete line, for JSONL).</summary>
    public void Append(byte[] data)
    {
        if (_handle is not null)
        {
            if (OperatingSystem.IsWindows()) Windows.Write(_handle, data);
            else Posix.Write(_handle, data);
            return;
        }
        lock (FallbackGate)
        {
            _fallback!.Seek(0, SeekOrigin.End);
            _fallback.Write(data);
        }
    }

    public void Dispose()
    {
        _handle?.Dispose();
        _fallback?.Dispose();
    }

    private static readonly object FallbackGate = new();

    /// <summary>open(2) with O_APPEND and write(2), whose flag values differ between Linux and the BSDs.</summary>
    private static class Posix
    {
        private const int OWronly = 0x1;
        private const int EIntr = 4;
        private const int Mode0666 = 0x1B6; // rw-rw-rw-, narrowed by the umask

        public static bool Supported => OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD();

        private static int Flags =>
            OperatingSystem.IsLinux()
                ? OWronly | 0x40 /* O_CREAT */ | 0x400 /* O_APPEND */ | 0x80000 /* O_CLOEXEC */
                : OWronly | 0x200 /* O_CREAT */ | 0x8 /* O_APPEND */ | (OperatingSystem.IsMacOS() ? 0x1000000 : 0x100000) /* O_CLOEXEC */;

        public static SafeFileHandle Open(string path)
        {
            int fd;
            do fd = open(path, Flags, Mode0666);
            while (fd < 0 && Marshal.GetLastPInvokeError() == EIntr);
            if (fd < 0) throw Error(Marshal.GetLastPInvokeError(), path);
            return new SafeFileHandle(fd, ownsHandle: true);
        }

        public static void Write(SafeFileHandle handle, byte[] data)
        {
            var added = false;
            handle.DangerousAddRef(ref added); // the descriptor stays ours until the write returns
            try
            {
                var fd = (int)handle.DangerousGetHandle();
                var offset = 0;
                while (offset < data.Length)
                {
                    // A regular file takes the whole buffer in one call; the loop only covers signals and full disks.
                    var written = write(fd, ref data[offset], data.Length - offset);
                    if (written < 0)
                    {
                        var errno = Marshal.GetLastPInvokeError();
                        if (errno == EIntr) continue;
                        throw Error(errno, null);
                    }
                    offset += (int)written;
                }
            }
            finally
            {
                if (added) handle.DangerousRelease();
            }
        }

        private static IOException Error(int errno, string? path) =>
            new(path is null ? Marshal.GetPInvokeErrorMessage(errno) : $"{Marshal.GetPInvokeErrorMessage(errno)}: {path}", new Win32Exception(errno));

        [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false)]
        private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, int mode);

        [DllImport("libc", SetLastError = true)]
        private static extern nint write(int fd, ref byte buffer, nint count);
    }

    /// <summary>CreateFileW with FILE_APPEND_DATA but not FILE_WRITE_DATA: the kernel writes at the end of file.</summary>
    private static class Windows
    {
        private const uint FileAppendData = 0x0004;
        private const uint Synchronize = 0x00100000;
        private const uint ShareAll = 0x1 | 0x2 | 0x4; // read, write, delete: readers, other appenders and log rotation
        private const uint OpenAlways = 4;
        private const uint FileAttributeNormal = 0x80;

        public static SafeFileHandle Open(string path)
        {
            var handle = CreateFileW(path, FileAppendData | Synchronize, ShareAll, IntPtr.Zero, OpenAlways, FileAttributeNormal, IntPtr.Zero);
            if (handle.IsInvalid)
            {
                var error = Marshal.GetLastPInvokeError();
                handle.Dispose();
                throw new IOException($"{Marshal.GetPInvokeErrorMessage(error)}: {path}", new Win32Exception(error));
            }
            return handle;
        }

        public static void Write(SafeFileHandle handle, byte[] data)
        {
            var offset = 0;
            while (offset < data.Length)
            {
                if (!WriteFile(handle, ref data[offset], data.Length - offset, out var written, IntPtr.Zero))
                {
                    var error = Marshal.GetLastPInvokeError();
                    throw new IOException(Marshal.GetPInvokeErrorMessage(error), new Win32Exception(error));
                }
                offset += written;
            }
        }

        [DllImport("kernel32.dll", SetLastError = true, CharSet = CharSet.Unicode)]
        private static extern SafeFileHandle CreateFileW(string fileName, uint access, uint share, IntPtr security, uint creation, uint flags, IntPtr template);

        [DllImport("kernel32.dll", SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        private static extern bool WriteFile(SafeFileHandle handle, ref byte buffer, int count, out int written, IntPtr overlapped);
    }
}
