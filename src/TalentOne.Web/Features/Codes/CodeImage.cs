using QRCoder;

namespace TalentOne.Web.Features.Codes;

/// <summary>The QR image of a code: the verification address, error correction level M (survives a scratched or
/// partly covered phone screen), drawn without System.Drawing so that it works on every server.</summary>
public static class CodeImage
{
    private static QRCodeData Data(string url)
    {
        using var generator = new QRCodeGenerator();
        return generator.CreateQrCode(url, QRCodeGenerator.ECCLevel.M);
    }

    public static byte[] Png(string url)
    {
        using var data = Data(url);
        return new PngByteQRCode(data).GetGraphic(6);
    }

    public static string Svg(string url)
    {
        using var data = Data(url);
        return new SvgQRCode(data).GetGraphic(6);
    }
}
