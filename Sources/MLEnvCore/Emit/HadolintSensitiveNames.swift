/// The names hadolint's DL3064 ("Potentially sensitive data should not be used in the `ARG` or
/// `ENV` commands") flags, as hadolint 2.15.1 decides (src/Hadolint/Rule/DL3064.hs): one of its
/// known secret names in any case, or a name that contains one of seven words. The rule reads the
/// name alone, so it flags `TOKENIZERS_PARALLELISM: "false"` and `HF_TOKEN_PATH: /run/secrets/hf`.
/// The Dockerfile silences it (`# hadolint ignore=DL3064`) only where mlenv judged the value
/// no secret (W305), so hadolint still reports what W305 reports. `DockerfileLintTests` checks
/// this list against the real hadolint.
enum HadolintSensitiveNames {
    /// Whether hadolint's DL3064 flags an `ARG` or `ENV` named `name`.
    static func flags(_ name: String) -> Bool {
        let upper = String(decoding: name.utf8.map { ASCII.isLower($0) ? $0 - 0x20 : $0 }, as: UTF8.self)
        return knownNames.contains(upper) || words.contains { upper.contains($0) }
    }

    /// hadolint's `knownSensitiveNames`.
    static let knownNames: Set<String> = [
        "ACCESS_TOKEN", "APPLICATION_KEY", "APP_SECRET", "AUTH_TOKEN", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
        "BITTREX_API_KEY", "BITTREX_API_SECRET", "CF_PASSWORD", "CF_USERNAME", "CIRCLE_TOKEN", "CI_DEPLOY_PASSWORD",
        "CI_DEPLOY_USER", "DOCKERHUB_PASSWORD", "DOCKER_EMAIL", "DOCKER_PASSWORD", "DOCKER_USERNAME",
        "FACEBOOK_ACCESS_TOKEN", "FACEBOOK_APP_ID", "FACEBOOK_APP_SECRET", "FIREBASE_API_TOKEN", "FIREBASE_TOKEN",
        "FOSSA_API_KEY", "GH_ENTERPRISE_TOKEN", "GH_TOKEN", "GITHUB_ENTERPRISE_TOKEN", "GITHUB_TOKEN", "HEROKU_API_KEY",
        "HEROKU_API_USER", "NPM_AUTH_TOKEN", "NPM_TOKEN", "OKTA_AUTHN_GROUPID", "OKTA_CLIENT_ORGURL",
        "OKTA_CLIENT_TOKEN", "OKTA_OAUTH2_CLIENTID", "OKTA_OAUTH2_CLIENTSECRET", "OPENAI_API_KEY", "OS_PASSWORD",
        "OS_USERNAME", "POSTGRES_PASSWORD", "SLACK_TOKEN", "STRIPE_API_KEY", "STRIPE_DEVICE_NAME", "TRAVIS_OS_NAME",
        "TRAVIS_SECURE_ENV_VARS", "TRAVIS_SUDO", "VAULT_CLIENT_KEY", "VAULT_TOKEN",
    ]

    /// hadolint's `suspiciousSubstrings`, upper-cased (it compares lower-cased).
    static let words = ["API_KEY", "CLIENT_KEY", "PASSWORD", "PRIVATE", "SECRET", "TOKEN", "USERNAME"]
}
