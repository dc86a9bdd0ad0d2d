#include "fake_api_server.hpp"

#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/URI.h>
#include <sys/socket.h>

#include <algorithm>

#include "test_pki.hpp"

namespace kipvs::k8s::testing {

namespace {

void sendAll(Poco::Net::StreamSocket& socket, std::string_view bytes) {
  while (!bytes.empty()) {
    const int n = socket.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
    if (n <= 0) {
      throw std::runtime_error("fake API server: send failed");
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

std::string head(int status, std::string_view contentType,
                 const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string out =
      "HTTP/1.1 " + std::to_string(status) + " " +
      Poco::Net::HTTPResponse::getReasonForStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status)) +
      "\r\nContent-Type: " + std::string(contentType) + "\r\nConnection: close\r\n";
  for (const auto& [name, value] : headers) {
    out.append(name).append(": ").append(value).append("\r\n");
  }
  return out;
}

FakeRequest parse(const std::string& text) {
  FakeRequest request;
  const auto lineEnd = text.find("\r\n");
  const std::string line = text.substr(0, lineEnd);
  const auto sp1 = line.find(' ');
  const auto sp2 = line.find(' ', sp1 + 1);
  request.method = line.substr(0, sp1);
  request.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const Poco::URI uri(request.target);
  request.path = uri.getPath();
  for (const auto& [name, value] : uri.getQueryParameters()) {
    request.query[name] = value;
  }
  std::size_t at = lineEnd + 2;
  while (at < text.size()) {
    const auto end = text.find("\r\n", at);
    const std::string header = text.substr(at, end - at);
    at = end + 2;
    const auto colon = header.find(':');
    if (colon == std::string::npos) {
      break;
    }
    std::string name = header.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    request.headers[name] = header.substr(header.find_first_not_of(' ', colon + 1));
  }
  return request;
}

}  // namespace

std::string FakeRequest::param(const std::string& name) const {
  const auto it = query.find(name);
  return it == query.end() ? std::string{} : it->second;
}

std::string FakeRequest::header(const std::string& name) const {
  const auto it = headers.find(name);
  return it == headers.end() ? std::string{} : it->second;
}

void Responder::respond(int status, std::string_view body, std::string_view contentType,
                        const std::vector<std::pair<std::string, std::string>>& headers) {
  sendAll(socket_,
          head(status, contentType, headers) + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n");
  sendAll(socket_, body);
}

void Responder::beginChunked(int status, std::string_view contentType,
                             const std::vector<std::pair<std::string, std::string>>& headers) {
  sendAll(socket_, head(status, contentType, headers) + "Transfer-Encoding: chunked\r\n\r\n");
}

void Responder::chunk(std::string_view data) {
  if (data.empty()) {
    return;
  }
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  sendAll(socket_, std::string(size) + std::string(data) + "\r\n");
}

void Responder::endChunked() {
  sendAll(socket_, "0\r\n\r\n");
}

void Responder::raw(std::string_view bytes) {
  sendAll(socket_, bytes);
}

bool Responder::pause(std::chrono::milliseconds duration) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, duration, [this] { return stopping_.load(); });
  return !stopping_;
}

FakeApiServer::FakeApiServer(ServerOptions options, Handler handler)
    : options_(std::move(options)), handler_(std::move(handler)), token_(options_.token) {
  if (options_.tls) {
    const TestPki& pki = TestPki::get();
    using Poco::Net::Context;
    context_ = new Context(Context::TLS_SERVER_USE, pki.serverKey, pki.serverCert, pki.caCert,
                           options_.requireClientCert ? Context::VERIFY_STRICT : Context::VERIFY_RELAXED);
    context_->enableExtendedCertificateVerification(false);  // client certs name users, not hosts
  }
}

FakeApiServer::~FakeApiServer() {
  stop();
}

void FakeApiServer::start(std::uint16_t port) {
  stopping_ = false;
  const Poco::Net::SocketAddress address("127.0.0.1", port != 0 ? port : port_);
  if (options_.tls) {
    listener_ = std::make_unique<Poco::Net::SecureServerSocket>(address, 64, context_);
  } else {
    listener_ = std::make_unique<Poco::Net::ServerSocket>(address, 64);
  }
  port_ = listener_->address().port();
  acceptor_ = std::thread([this] { acceptLoop(); });
}

void FakeApiServer::stop() {
  if (!listener_) {
    return;
  }
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
    for (auto& socket : open_) {
      ::shutdown(socket.impl()->sockfd(), SHUT_RDWR);
    }
  }
  wake_.notify_all();
  acceptor_.join();
  for (auto& thread : connections_) {
    thread.join();
  }
  connections_.clear();
  open_.clear();
  listener_->close();
  listener_.reset();
}

std::string FakeApiServer::url() const {
  return std::string(options_.tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

void FakeApiServer::setToken(const std::string& token) {
  const std::lock_guard lock(mutex_);
  token_ = token;
}

std::vector<FakeRequest> FakeApiServer::requests() const {
  const std::lock_guard lock(mutex_);
  return requests_;
}

std::size_t FakeApiServer::count(const std::function<bool(const FakeRequest&)>& match) const {
  const std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(std::count_if(requests_.begin(), requests_.end(), match));
}

void FakeApiServer::acceptLoop() {
  while (!stopping_) {
    try {
      if (!listener_->poll(Poco::Timespan(0, 50000), Poco::Net::Socket::SELECT_READ)) {
        continue;
      }
      Poco::Net::StreamSocket socket = listener_->acceptConnection();
      const std::lock_guard lock(mutex_);
      if (stopping_) {
        break;
      }
      open_.push_back(socket);
      connections_.emplace_back([this, socket]() mutable { serve(socket); });
    } catch (const std::exception&) {
      // A failed handshake or accept: the next client is served anyway.
    }
  }
}

void FakeApiServer::serve(Poco::Net::StreamSocket socket) {
  try {
    socket.setReceiveTimeout(Poco::Timespan(10, 0));
    std::string text;
    char buffer[4096];
    while (text.find("\r\n\r\n") == std::string::npos) {
      const int n = socket.receiveBytes(buffer, sizeof buffer);
      if (n <= 0) {
        return;
      }
      text.append(buffer, static_cast<std::size_t>(n));
    }
    FakeRequest request = parse(text);
    if (options_.tls) {
      request.clientCertificate = Poco::Net::SecureStreamSocket(socket).havePeerCertificate();
    }
    std::string token;
    {
      const std::lock_guard lock(mutex_);
      requests_.push_back(request);
      token = token_;
    }
    Responder responder(socket, stopping_, mutex_, wake_);
    if (!token.empty() && !request.clientCertificate &&
        request.header("authorization") != "Bearer " + token) {
      responder.respond(401, R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
                             R"("message":"Unauthorized","reason":"Unauthorized","code":401})");
    } else {
      handler_(request, responder);
    }
    socket.shutdown();
  } catch (const std::exception&) {
    // The client went away or the test stopped the server mid-response: nothing to do.
  }
}

}  // namespace kipvs::k8s::testing
