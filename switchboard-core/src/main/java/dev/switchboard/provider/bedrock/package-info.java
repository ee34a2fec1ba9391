/**
 * The AWS Bedrock dialect: the Converse and ConverseStream APIs, signed with SigV4 by the credentials axis
 * ({@code dev.switchboard.credentials.SigV4Credential}) and streamed in the binary {@code application/vnd.amazon.eventstream}
 * framing ({@link dev.switchboard.provider.bedrock.EventStreamDecoder}). The credential is the provider's
 * {@code api_key} holding {@code ACCESS_KEY_ID:SECRET_ACCESS_KEY[:SESSION_TOKEN]}; the region comes from the
 * base_url host {@code bedrock-runtime.<region>.amazonaws.com}. Pure, no Vert.x.
 */
package dev.switchboard.provider.bedrock;
