package dev.switchboard.catalogue;

/** How an operation's URL is built from the base URL and the model. */
public enum UrlStyle {
    /** {@code {base}/chat/completions}, model in the body. */
    STANDARD,
    /** Azure OpenAI: {@code {base}/openai/deployments/{model}/chat/completions?api-version=…}. */
    AZURE_DEPLOYMENT
}
