using QwenLayered.Cli;
using QwenLayered.Engine.Runtime;

// First, before libtorch allocates: glibc keeps freed tensor memory for reuse (see GlibcMalloc).
GlibcMalloc.Apply();
// Before libtorch loads its OpenMP runtime, which reads the policy once (see OpenMpWaitPolicy).
OpenMpWaitPolicy.Apply();
// Before any torch call: on a machine whose libtorch comes from elsewhere (see TorchNativePreload).
TorchNativePreload.FromEnvironment();
return await QwenLayeredCommand.RunAsync(args);
