import HTTPTypes
import Hummingbird
import LedgerCore
import LedgerStore

/// The one place where the errors of the store and of sync become HTTP answers (a JSON body of one
/// line, `{"error":{"message":…}}`, with the status below): a peer can tell a refusal it should not
/// repeat from a failure to try again later.
///
/// | error | status |
/// |---|---|
/// | ``WireError``, ``ForkProofError`` (malformed input) | 400 |
/// | ``StoreError`` refused | 422 |
/// | ``StoreError`` not found | 404 |
/// | ``StoreError`` stalled, ``SpoolError`` too slow / idle / past its deadline | 408 |
/// | ``SpoolError`` too large | 413 |
/// | ``StoreError`` unavailable (database busy or locked, disk full), ``SpoolError`` busy | 503 |
/// | ``StoreError`` corrupt, setup or internal | 500 |
enum HTTPStatusMapping {
    static func status(for error: any Error) -> HTTPResponse.Status? {
        switch error {
        case is WireError, is ForkProofError: return .badRequest
        case let error as SpoolError:
            if error.isTooLarge { return .contentTooLarge }
            return error.isBusy ? .serviceUnavailable : .requestTimeout
        case let error as StoreError:
            switch error.category {
            case .refused: return .unprocessableContent
            case .notFound: return .notFound
            case .stalled: return .requestTimeout
            case .unavailable: return .serviceUnavailable
            case .corrupt, .setup, .failed: return .internalServerError
            }
        default: return nil
        }
    }

    /// `error` as the HTTP error the route throws; errors not listed above pass through.
    static func httpError(_ error: any Error) -> any Error {
        guard let status = status(for: error) else { return error }
        return HTTPError(status, message: String(describing: error))
    }
}
