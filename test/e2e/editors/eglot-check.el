;;; eglot-check.el --- drive goleash from Emacs with Eglot, in batch mode  -*- lexical-binding: t -*-
;;
;;   GOLEASH_CLI=/abs/dist/cli.js GOLEASH_OUT=/tmp/out.json \
;;     emacs --batch -l eglot-check.el file.go
;;
;; Opens the Go file, connects Eglot to `goleash lsp --stdio', waits for the Flymake
;; diagnostics, applies the preferred quick fix, saves (batch Emacs never runs the idle timer
;; that sends didChange; saving flushes it), and waits for the diagnostics to go away.
;; Writes what it saw as JSON to $GOLEASH_OUT, with `error' set when a step failed.

(require 'eglot)
(require 'json)
(require 'cl-lib)

(defvar goleash-cli (or (getenv "GOLEASH_CLI") (error "GOLEASH_CLI is not set")))
(defvar goleash-out (or (getenv "GOLEASH_OUT") (error "GOLEASH_OUT is not set")))
(defvar goleash-timeout (/ (string-to-number (or (getenv "GOLEASH_TIMEOUT_MS") "10000")) 1000.0))
(defvar goleash-result nil "Alist written as the JSON result.")

;; A stand-in major mode when go-mode is not installed: Eglot only needs a mode to key on.
(unless (fboundp 'go-mode)
  (define-derived-mode go-mode prog-mode "Go"))
(add-to-list 'auto-mode-alist '("\\.go\\'" . go-mode))
(add-to-list 'eglot-server-programs `(go-mode . ("node" ,goleash-cli "lsp" "--stdio")))
(setq eglot-sync-connect t)   ; connect before `eglot' returns
(setq eglot-confirm-server-edits nil)  ; newer Eglot would otherwise ask before editing
(setq flymake-no-changes-timeout 0.1) ; lets Eglot hand each publish straight to Flymake
(setq make-backup-files nil)

;; Count the server's publishes: diagnostics that vanish because the server went away (or
;; before it re-analysed) must not pass for a fix that worked.
(defvar goleash-publishes 0)
(advice-add 'eglot-handle-notification :before
            (lambda (_server method &rest _)
              (when (eq method 'textDocument/publishDiagnostics) (cl-incf goleash-publishes))))

(defun goleash-note (key value)
  (push (cons key value) goleash-result))

(defun goleash-diagnostics ()
  "Flymake's diagnostics in the current buffer, as alists."
  (mapcar (lambda (d)
            `((line . ,(line-number-at-pos (flymake-diagnostic-beg d)))
              (character . ,(save-excursion (goto-char (flymake-diagnostic-beg d)) (- (point) (line-beginning-position))))
              (type . ,(symbol-name (flymake-diagnostic-type d)))
              (text . ,(flymake-diagnostic-text d))))
          (flymake-diagnostics)))

(defun goleash-wait (what pred)
  "Process server output until PRED holds; start Flymake each round so it asks Eglot."
  (let ((deadline (+ (float-time) goleash-timeout)))
    (while (and (not (funcall pred)) (< (float-time) deadline))
      (accept-process-output nil 0.05)
      (flymake-start))
    (unless (funcall pred) (error "Timed out after %ss waiting for %s" goleash-timeout what))))

(defun goleash-run (file)
  (find-file file)
  (call-interactively #'eglot)
  (unless (eglot-current-server) (error "Eglot did not connect"))
  (flymake-mode 1)
  (goleash-wait "diagnostics" (lambda () (flymake-diagnostics)))
  (goleash-note 'before (goleash-diagnostics))
  (goleash-note 'publishes_before goleash-publishes)
  (let* ((diag (car (flymake-diagnostics)))
         (actions (eglot-code-actions (flymake-diagnostic-beg diag) (flymake-diagnostic-end diag) "quickfix"))
         (preferred (cl-find-if (lambda (a) (eq (plist-get a :isPreferred) t)) actions)))
    (goleash-note 'actions (mapcar (lambda (a) (plist-get a :title)) actions))
    (unless (plist-get preferred :edit) (error "No preferred quick fix with an edit"))
    ;; What `eglot-code-actions' does with the action a user picks.
    (if (fboundp 'eglot-execute)        ; newer Eglot (Emacs 30)
        (eglot-execute (eglot-current-server) preferred)
      (eglot--apply-workspace-edit (plist-get preferred :edit)))
    (goleash-note 'applied (plist-get preferred :title)))
  (goleash-note 'text (buffer-substring-no-properties (point-min) (point-max)))
  (save-buffer)
  (goleash-wait "the diagnostics to clear" (lambda () (null (flymake-diagnostics))))
  (goleash-note 'after (goleash-diagnostics))
  (goleash-note 'publishes_after goleash-publishes)
  (goleash-note 'connected (and (eglot-current-server) (jsonrpc-running-p (eglot-current-server)) t)))

(let ((file (car command-line-args-left)))
  (setq command-line-args-left nil)
  (goleash-note 'emacs emacs-version)
  (condition-case err
      (goleash-run file)
    (error
     (goleash-note 'error (error-message-string err))
     ;; The server's stderr, for the failure message.
     (dolist (buf (buffer-list))
       (when (string-match-p "\\` ?\\*EGLOT.*stderr\\*\\'" (buffer-name buf))
         (goleash-note 'server_stderr (with-current-buffer buf (buffer-string)))))))
  (with-temp-file goleash-out
    (insert (json-encode goleash-result)))
  (kill-emacs 0))
