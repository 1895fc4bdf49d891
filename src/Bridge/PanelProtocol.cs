namespace QwenLayered.Bridge;

/// <summary>The version of the panel's WebSocket protocol and the rule for talking across versions.</summary>
public static class PanelProtocol
{
    /// <summary>Raised on any change a panel of the previous version could not follow.</summary>
    public const int Version = 1;

    /// <summary>Null when a panel speaking <paramref name="panelVersion"/> can talk to this bridge; else what to update.</summary>
    public static string? CheckCompatibility(int panelVersion) =>
        panelVersion == Version ? null
        : panelVersion < Version
            ? $"The panel speaks protocol {panelVersion} but this server speaks {Version}: update the QwenLayered panel in Photoshop."
            : $"The panel speaks protocol {panelVersion} but this server speaks {Version}: update the QwenLayered server or bridge.";
}
