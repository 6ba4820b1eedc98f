/* Glue between the demo clinic page and the rasa-webchat widget (window.WebChat, served locally).
 *
 * Each page load is one conversation: a fresh client_key (random, from crypto.getRandomValues) and a
 * fresh widget session, so a verification done in chat is bound to this page load only. In demo mode
 * the visitor picks a demo patient; "Start a new chat" reloads the page with ?patient=REF, which gives
 * a new sender id, a new client_key and a new short-lived token from the page server.
 */
(function () {
  'use strict';

  // Where rasa-webchat keeps its session (sender id and messages) in the chosen storage.
  var WIDGET_SESSION_KEY = 'chat_session';

  function randomHex(bytes) {
    var buffer = new Uint8Array(bytes);
    window.crypto.getRandomValues(buffer);
    return Array.prototype.map.call(buffer, function (b) {
      return ('0' + b.toString(16)).slice(-2);
    }).join('');
  }

  function getJson(url) {
    return fetch(url, { credentials: 'same-origin', cache: 'no-store' }).then(function (response) {
      if (!response.ok) {
        throw new Error(url + ' answered ' + response.status);
      }
      return response.json();
    });
  }

  function setStatus(text) {
    document.getElementById('chat-status').textContent = text;
  }

  function chosenPatient() {
    var value = new URLSearchParams(window.location.search).get('patient');
    return value ? value.trim() : '';
  }

  /* Fill the demo selector; resolves to the chosen patient ({reference, name}) or null. */
  function setUpDemo(chosen) {
    var section = document.getElementById('demo');
    var select = document.getElementById('demo-patient');
    section.hidden = false;
    return getJson('/demo/patients').then(function (data) {
      var match = null;
      data.patients.forEach(function (patient) {
        var option = document.createElement('option');
        option.value = patient.reference;
        option.textContent = patient.name + ' (' + patient.reference + ')';
        select.appendChild(option);
        if (patient.reference === chosen) {
          match = patient;
        }
      });
      select.value = match ? match.reference : '';
      return match;
    });
  }

  function demoToken(reference) {
    return getJson('/demo/token?ref=' + encodeURIComponent(reference)).then(function (data) {
      return data.token;
    });
  }

  function launcher() {
    return document.querySelector('#b12-chat .rw-launcher');
  }

  /* The widget's own buttons carry no text: give them names a screen reader can announce. */
  function labelWidgetControls() {
    var names = [
      ['.rw-launcher', function (el) {
        return el.classList.contains('rw-hide-sm') || document.querySelector('#b12-chat .rw-conversation-container')
          ? 'Close the chat' : 'Open the chat with the B12 assistant';
      }],
      ['.rw-close-button', function () { return 'Close the chat'; }],
      ['.rw-send', function () { return 'Send message'; }],
      ['.rw-new-message', function () { return 'Your message'; }]
    ];
    // The widget's title is an <h4>; on this page it sits right under the page's <h2> sections.
    document.querySelectorAll('#b12-chat .rw-title').forEach(function (el) {
      if (el.getAttribute('aria-level') !== '2') {
        el.setAttribute('aria-level', '2');
      }
    });
    names.forEach(function (pair) {
      document.querySelectorAll('#b12-chat ' + pair[0]).forEach(function (el) {
        var name = pair[1](el);
        if (el.getAttribute('aria-label') !== name) {
          el.setAttribute('aria-label', name);
        }
      });
    });
  }

  function mountWidget(customData) {
    var root = document.getElementById('b12-chat');
    window.WebChat.default({
      socketUrl: window.B12_CONFIG.socketUrl,
      socketPath: window.B12_CONFIG.socketPath,
      customData: customData,
      initPayload: '/greet',
      title: 'B12 assistant',
      subtitle: 'About your documented injection plan',
      inputTextFieldHint: 'Type your question…',
      connectingText: 'Connecting to the assistant…',
      // Without this the widget stays invisible until Rasa confirms a session (it waits for "rules").
      withRules: false,
      hideWhenNotConnected: false,
      showFullScreenButton: false,
      displayUnreadCount: false,
      // Session storage: the conversation is gone when the tab closes; we also clear it per page load.
      params: { storage: 'session' }
    }, root);

    labelWidgetControls();
    new MutationObserver(labelWidgetControls).observe(root, { childList: true, subtree: true, attributes: true,
      attributeFilter: ['class'] });
  }

  function wireOpenButton() {
    var button = document.getElementById('open-chat');
    button.disabled = false;
    button.addEventListener('click', function () {
      var input = document.querySelector('#b12-chat .rw-new-message');
      if (!input && launcher()) {
        launcher().click();
      }
      window.setTimeout(function () {
        var field = document.querySelector('#b12-chat .rw-new-message');
        if (field) {
          field.focus();
        }
      }, 100);
    });
  }

  function start() {
    if (!window.WebChat || !window.WebChat.default) {
      setStatus('The chat could not be loaded. Please reload the page.');
      return;
    }
    // A new page load starts a new conversation, paired with the new client_key below.
    window.sessionStorage.removeItem(WIDGET_SESSION_KEY);
    var customData = { client_key: randomHex(16) };
    var demoProblem = '';

    getJson('/config.json').then(function (config) {
      window.B12_CONFIG = config;
      if (!config.demo) {
        return null;
      }
      return setUpDemo(chosenPatient()).then(function (patient) {
        if (!patient) {
          return null;
        }
        return demoToken(patient.reference).then(function (token) {
          customData.patient_token = token;
          return patient;
        });
      }).catch(function (error) {
        // The chat still works without demo patients: as a visitor who is not signed in.
        demoProblem = 'Demo patients are not available (' + error.message + '). ';
        return null;
      });
    }).then(function (patient) {
      mountWidget(customData);
      wireOpenButton();
      if (demoProblem) {
        setStatus(demoProblem + 'You are not signed in.');
      } else if (patient) {
        setStatus('You are signed in as demo patient ' + patient.name + ' (' + patient.reference +
          ') for 30 minutes. Ask about your plan.');
      } else {
        setStatus('You are not signed in. The assistant answers general questions, and asks for your ' +
          'patient reference and date of birth before it talks about your plan.');
      }
    }).catch(function (error) {
      setStatus('The chat could not be started (' + error.message + '). Please reload the page.');
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
