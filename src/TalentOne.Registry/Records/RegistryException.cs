using TalentOne.Policies.Profiles;

namespace TalentOne.Registry.Records;

/// <summary>A registration or profile change refused, with each bad field and a Chinese message. Nothing was stored.</summary>
public sealed class RegistryException(IReadOnlyList<ProfileError> errors, int status = 400)
    : Exception(string.Join("; ", errors.Select(e => e.Field + ": " + e.Message)))
{
    public IReadOnlyList<ProfileError> Errors { get; } = errors;
    /// <summary>400 bad input, 409 duplicate or concurrent change, 404 no such record.</summary>
    public int Status { get; } = status;

    public RegistryException(string field, string message, int status = 400) : this([new ProfileError(field, message)], status) { }
}
