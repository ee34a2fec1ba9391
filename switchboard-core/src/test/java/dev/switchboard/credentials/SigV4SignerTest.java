package dev.switchboard.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SigV4 against AWS's published test-suite values (aws-sig-v4-test-suite, AKIDEXAMPLE, 20150830T123600Z). */
class SigV4SignerTest {
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    private static String suite(String method, String url) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("X-Amz-Date", "20150830T123600Z");
        return SigV4Signer.authorization(method, url, h, new byte[0], "AKIDEXAMPLE", SECRET, "us-east-1", "service");
    }

    @Test
    void postVanilla() {
        assertThat(suite("POST", "https://example.amazonaws.com/")).isEqualTo(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, "
                        + "Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
    }

    @Test
    void getVanillaEmptyQueryKey() {
        assertThat(suite("GET", "https://example.amazonaws.com/?Param1=value1")).endsWith(
                "Signature=a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb");
    }

    @Test
    void signingKeyFromTheDocumentedExample() {
        assertThat(HexFormat.of().formatHex(SigV4Signer.signingKey(SECRET, "20120215", "us-east-1", "iam")))
                .isEqualTo("f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
    }

    @Test
    void bedrockRequestSignsBodyHashDateTokenAndDoubleEncodesThePath() {
        AwsCredentials c = new AwsCredentials("AKID", "SECRET", "TOKEN", "eu-west-1");
        byte[] body = "{\"messages\":[]}".getBytes(StandardCharsets.UTF_8);
        String url = "https://bedrock-runtime.eu-west-1.amazonaws.com/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse";
        Map<String, String> signed = SigV4Signer.sign("POST", url, Map.of("Content-Type", "application/json"), body, c,
                "bedrock", Instant.parse("2025-01-02T03:04:05Z"));
        assertThat(signed).containsEntry("x-amz-date", "20250102T030405Z")
                .containsEntry("x-amz-security-token", "TOKEN")
                .containsEntry("x-amz-content-sha256", SigV4Signer.hex(SigV4Signer.sha256(body)));
        assertThat(signed.get("Authorization")).startsWith("AWS4-HMAC-SHA256 Credential=AKID/20250102/eu-west-1/bedrock/aws4_request, "
                + "SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=");
        assertThat(SigV4Signer.canonicalUri(java.net.URI.create(url)))
                .isEqualTo("/model/anthropic.claude-3-haiku-20240307-v1%253A0/converse");
    }

    @Test
    void regionComesFromTheHost() {
        assertThat(AwsCredentials.region("https://bedrock-runtime.ap-northeast-1.amazonaws.com")).isEqualTo("ap-northeast-1");
        assertThat(AwsCredentials.region("https://bedrock-runtime-fips.us-gov-west-1.amazonaws.com")).isEqualTo("us-gov-west-1");
        assertThat(AwsCredentials.region("http://127.0.0.1:9000")).isEqualTo("us-east-1");
    }
}
