// MSBuild inline task: marks one version requirement (for example GLIBCXX_3.4.32) of ELF64 shared
// libraries as weak (VER_FLG_WEAK in .gnu.version_r), so the dynamic loader accepts them on a system
// whose library lacks that version. Idempotent: an entry already weak is left as it is.
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public class WeakenElfVersionNeed : Task
{
    const uint ShtGnuVerneed = 0x6ffffffe;
    const ushort VerFlagWeak = 0x2;

    [Required] public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string VersionName { get; set; } = "";

    public override bool Execute()
    {
        foreach (var item in Files)
        {
            var path = item.ItemSpec;
            var data = File.ReadAllBytes(path);
            int patched = Weaken(data, VersionName);
            if (patched > 0)
            {
                // A new file moved over the old one: the output's copy may be a hard link into the NuGet cache,
                // which writing in place would patch too.
                var patchedPath = path + ".patched";
                File.WriteAllBytes(patchedPath, data);
                File.Delete(path);
                File.Move(patchedPath, path);
                Log.LogMessage(MessageImportance.High,
                    $"Marked {VersionName} weak in {path} ({patched} entries): the system libstdc++ lacks it.");
            }
        }
        return !Log.HasLoggedErrors;
    }

    static int Weaken(byte[] data, string versionName)
    {
        if (data.Length < 64 || data[0] != 0x7f || data[1] != (byte)'E' || data[2] != (byte)'L' || data[3] != (byte)'F'
            || data[4] != 2 || data[5] != 1)
            throw new InvalidDataException("not a little-endian ELF64 file");
        long sectionHeaders = (long)BitConverter.ToUInt64(data, 0x28);
        int entrySize = BitConverter.ToUInt16(data, 0x3A);
        int count = BitConverter.ToUInt16(data, 0x3C);
        int patched = 0;
        for (int i = 0; i < count; i++)
        {
            long header = sectionHeaders + (long)i * entrySize;
            if (BitConverter.ToUInt32(data, (int)header + 4) != ShtGnuVerneed) continue;
            long offset = (long)BitConverter.ToUInt64(data, (int)header + 0x18);
            int link = (int)BitConverter.ToUInt32(data, (int)header + 0x28);
            int needCount = (int)BitConverter.ToUInt32(data, (int)header + 0x2C);
            long strings = (long)BitConverter.ToUInt64(data, (int)(sectionHeaders + (long)link * entrySize) + 0x18);
            for (int n = 0; n < needCount; n++)
            {
                int auxCount = BitConverter.ToUInt16(data, (int)offset + 2);
                long aux = offset + BitConverter.ToUInt32(data, (int)offset + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    int flagsAt = (int)aux + 4;
                    ushort flags = BitConverter.ToUInt16(data, flagsAt);
                    string name = ReadString(data, strings + BitConverter.ToUInt32(data, (int)aux + 8));
                    if (name == versionName && (flags & VerFlagWeak) == 0)
                    {
                        BitConverter.GetBytes((ushort)(flags | VerFlagWeak)).CopyTo(data, flagsAt);
                        patched++;
                    }
                    aux += BitConverter.ToUInt32(data, (int)aux + 12);
                }
                uint next = BitConverter.ToUInt32(data, (int)offset + 12);
                if (next == 0) break;
                offset += next;
            }
        }
        return patched;
    }

    static string ReadString(byte[] data, long start)
    {
        int end = Array.IndexOf(data, (byte)0, (int)start);
        return Encoding.ASCII.GetString(data, (int)start, end - (int)start);
    }
}
