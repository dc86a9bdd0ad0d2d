#include "k8s/api_client.hpp"

#include <Poco/Exception.h>
#include <Poco/InflatingStream.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/URI.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>

#include <charconv>

namespace kipvs::k8s {

namespace {

constexpr std::size_t kMaxErrorBody = 1U << 20;

using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free)>;

// Every certificate of a PEM bundle (Poco's X509Certificate reads only the first).
void addCaBundle(SSL_CTX* ctx, const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  X509_STORE* store = SSL_CTX_get_cert_store(ctx);
  int added = 0;
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    X509_STORE_add_cert(store, cert);
    X509_free(cert);
    ++added;
  }
  ERR_clear_error();
  if (added == 0) {
    throw ConfigError("certificate-authority: no PEM certificate found");
  }
}

void useClientCertificate(SSL_CTX* ctx, const std::string& certPem, const std::string& keyPem) {
  BioPtr certBio(BIO_new_mem_buf(certPem.data(), static_cast<int>(certPem.size())), BIO_free);
  X509* cert = PEM_read_bio_X509(certBio.get(), nullptr, nullptr, nullptr);
  BioPtr keyBio(BIO_new_mem_buf(keyPem.data(), static_cast<int>(keyPem.size())), BIO_free);
  EVP_PKEY* key = PEM_read_bio_PrivateKey(keyBio.get(), nullptr, nullptr, nullptr);
  const bool ok = cert != nullptr && key != nullptr && SSL_CTX_use_certificate(ctx, cert) == 1 &&
                  SSL_CTX_use_PrivateKey(ctx, key) == 1 && SSL_CTX_check_private_key(ctx) == 1;
  X509_free(cert);
  EVP_PKEY_free(key);
  ERR_clear_error();
  if (!ok) {
    throw ConfigError("client-certificate/client-key: unusable PEM or key does not match the certificate");
  }
}

std::optional<int> parseRetryAfter(const Poco::Net::HTTPResponse& response) {
  if (!response.has("Retry-After")) {
    return std::nullopt;
  }
  const std::string& text = response.get("Retry-After");
  int seconds = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec != std::errc{} || seconds < 0) {
    return std::nullopt;  // HTTP-date form: not used by the API server
  }
  return seconds;
}

}  // namespace

ApiClient::ApiClient(ClusterConfig config, std::shared_ptr<TokenSource> tokens)
    : config_(std::move(config)), tokens_(std::move(tokens)) {
  Poco::URI uri;
  try {
    uri = Poco::URI(config_.server);
  } catch (const Poco::Exception& e) {
    throw ConfigError("invalid API server URL \"" + config_.server + "\": " + e.displayText());
  }
  if (uri.getScheme() != "https" && uri.getScheme() != "http") {
    throw ConfigError("API server URL must be https:// (or http://): " + config_.server);
  }
  secure_ = uri.getScheme() == "https";
  host_ = uri.getHost();
  port_ = uri.getPort();
  if (!secure_) {
    return;
  }
  using Poco::Net::Context;
  Context::Params params;
  params.verificationMode = config_.insecureSkipTlsVerify ? Context::VERIFY_NONE : Context::VERIFY_RELAXED;
  params.loadDefaultCAs = config_.caPem.empty();
  context_ = new Context(Context::TLS_CLIENT_USE, params);
  // Name checks are done by OpenSSL (IP SANs included, which Poco's own check misses).
  context_->enableExtendedCertificateVerification(false);
  SSL_CTX* ctx = context_->sslContext();
  if (!config_.caPem.empty()) {
    addCaBundle(ctx, config_.caPem);
  }
  if (!config_.clientCertPem.empty()) {
    useClientCertificate(ctx, config_.clientCertPem, config_.clientKeyPem);
  }
  if (!config_.insecureSkipTlsVerify) {
    const std::string name = config_.tlsServerName.empty() ? host_ : config_.tlsServerName;
    X509_VERIFY_PARAM* param = SSL_CTX_get0_param(ctx);
    Poco::Net::IPAddress ip;
    const bool isIp = Poco::Net::IPAddress::tryParse(name, ip);
    if ((isIp ? X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str())
              : X509_VERIFY_PARAM_set1_host(param, name.c_str(), name.size())) != 1) {
      throw ConfigError("cannot verify the API server as \"" + name + "\"");
    }
  }
}

ApiClient::~ApiClient() = default;

void ApiClient::abort() {
  aborted_ = true;
  const std::lock_guard lock(fdMutex_);
  if (fd_ >= 0) {
    ::shutdown(fd_, SHUT_RDWR);  // wakes a blocked read without racing the TLS state
  }
}

void ApiClient::credentialsRejected() {
  if (tokens_) {
    tokens_->invalidate();
  }
}

HttpResponse ApiClient::get(const std::string& target, const RequestOptions& options, const OnBody& onBody) {
  if (aborted_) {
    throw TransportError("aborted");
  }
  std::unique_ptr<Poco::Net::HTTPClientSession> session;
  if (secure_) {
    Poco::Net::SecureStreamSocket socket(context_);
    if (!config_.tlsServerName.empty()) {
      socket.setPeerHostName(config_.tlsServerName);
    }
    session = std::make_unique<Poco::Net::HTTPSClientSession>(socket);
  } else {
    session = std::make_unique<Poco::Net::HTTPClientSession>();
  }
  session->setHost(host_);
  session->setPort(port_);
  session->setKeepAlive(false);
  const auto micros = [](std::chrono::milliseconds ms) { return Poco::Timespan(ms.count() * 1000); };
  session->setTimeout(micros(options.connectTimeout), micros(options.connectTimeout),
                      micros(options.idleTimeout));

  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, target, Poco::Net::HTTPMessage::HTTP_1_1);
  request.set("Accept", "application/json");
  request.set("User-Agent", "kipvs/0.1");
  if (options.acceptGzip && !config_.disableCompression) {
    request.set("Accept-Encoding", "gzip");
  }
  if (tokens_ && !tokens_->empty()) {
    request.set("Authorization", "Bearer " + tokens_->token());
  }
  struct FdGuard {
    ApiClient& self;
    ~FdGuard() {
      const std::lock_guard lock(self.fdMutex_);
      self.fd_ = -1;
    }
  } guard{*this};
  HttpResponse result;
  try {
    session->sendRequest(request);
    {
      const std::lock_guard lock(fdMutex_);
      fd_ = session->socket().impl()->sockfd();
      if (aborted_) {
        ::shutdown(fd_, SHUT_RDWR);
      }
    }
    Poco::Net::HTTPResponse response;
    std::istream& raw = session->receiveResponse(response);
    result.status = static_cast<int>(response.getStatus());
    result.contentType = response.getContentType();
    result.retryAfterSeconds = parseRetryAfter(response);
    std::unique_ptr<Poco::InflatingInputStream> inflater;
    std::istream* in = &raw;
    if (response.has("Content-Encoding") && response.get("Content-Encoding") == "gzip") {
      inflater = std::make_unique<Poco::InflatingInputStream>(raw, Poco::InflatingStreamBuf::STREAM_GZIP);
      in = inflater.get();
    }
    const bool success = result.status >= 200 && result.status < 300;
    std::streambuf* buffer = in->rdbuf();
    char chunk[65536];
    while (true) {
      // sgetc() waits for at least one byte; then take whatever has already arrived.
      if (std::char_traits<char>::eq_int_type(buffer->sgetc(), std::char_traits<char>::eof())) {
        result.complete = !aborted_;
        break;
      }
      const std::streamsize available = std::max<std::streamsize>(1, buffer->in_avail());
      const std::streamsize n = buffer->sgetn(chunk, std::min<std::streamsize>(available, sizeof chunk));
      if (success) {
        if (!onBody(std::string_view(chunk, static_cast<std::size_t>(n)))) {
          break;
        }
      } else if (result.body.size() < kMaxErrorBody) {
        result.body.append(chunk, static_cast<std::size_t>(n));
      }
    }
  } catch (const Poco::TimeoutException& e) {
    throw TransportError("no data from " + config_.server + " for " +
                         std::to_string(options.idleTimeout.count()) + " ms: " + e.displayText());
  } catch (const Poco::Exception& e) {
    throw TransportError(std::string(aborted_ ? "aborted: " : "") + "GET " + config_.server + ": " +
                         e.displayText());
  }
  return result;
}

}  // namespace kipvs::k8s
